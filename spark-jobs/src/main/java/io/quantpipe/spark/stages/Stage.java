package io.quantpipe.spark.stages;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pipeline's stages, in the order they run. Each is one {@code spark-submit} task of the
 * Airflow build DAG ({@code --stage NAME --run-id ID}) and reads what the stages before it wrote
 * into the run's version directory; {@code bin/quantpipe pipeline} runs them all in one session.
 */
public enum Stage {
  /** Reads and validates the input into the canonical table; allocates the run's version. */
  IMPORT(true),
  /** One pass of mergeable statistics: ranges, calibration and k-means++ samples. */
  CALIBRATE(true),
  /** The strategy's quantizer (scalar ranges, binary centres, PQ codebooks by distributed k-means). */
  TRAIN(true),
  /** The coarse (IVF) centroids the corpus is partitioned by. */
  COARSE(true),
  /** The quantized Parquet shards (and Delta table). */
  ENCODE(true),
  /** One HNSW partition file per coarse centroid, and index.json. */
  HNSW(true),
  /** Recall and latency of the written index on the held-out queries. */
  EVALUATE(true),
  /** Recall and compression against the profile's floors; a failure stops the run here. */
  GATE(false),
  /** The version's manifest, then the current-version pointer; old versions retired. */
  PUBLISH(false);

  private final boolean needsSpark;

  Stage(boolean needsSpark) {
    this.needsSpark = needsSpark;
  }

  /** The name on the command line and in {@code stages/NAME.json}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the stage runs Spark jobs (gate and publish only read and write small files). */
  public boolean needsSpark() {
    return needsSpark;
  }

  /** Parses a stage name, naming the known ones when it is not one. */
  public static Stage parse(String name) {
    for (Stage s : values()) {
      if (s.cliName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown stage '" + name + "'; stages: "
        + Arrays.stream(values()).map(Stage::cliName).collect(Collectors.joining(", ")));
  }
}
