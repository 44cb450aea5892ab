package io.quantpipe.spark.stages;

/**
 * The built index is below the profile's floors ({@code gate-min-recall}, {@code gate-min-compression});
 * the run stops before {@code publish} and the previous version stays current. The pipeline exits 3.
 */
public final class QualityGateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QualityGateException(String message) {
    super(message);
  }
}
