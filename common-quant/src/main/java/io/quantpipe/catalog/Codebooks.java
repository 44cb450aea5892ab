package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.quant.Quantizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A published version's encoder: the decoded quantizer and coarse centroids of a
 * {@link CodebookRelease}. {@link #encode} is the batch pipeline's encode step (the coarse partition
 * by {@link CoarseQuantizer#assign}, the code by {@link Quantizer#encode}), so a vector encoded here,
 * in the Spark job or in the Flink job gets the same partition and the same code bytes.
 *
 * <p>Immutable and thread-safe.
 */
public final class Codebooks {
  private final int version;
  private final Quantizer quantizer;
  private final CoarseQuantizer coarse;
  private final DriftBaseline baseline;

  private Codebooks(int version, Quantizer quantizer, CoarseQuantizer coarse, DriftBaseline baseline) {
    this.version = version;
    this.quantizer = quantizer;
    this.coarse = coarse;
    this.baseline = baseline;
  }

  /**
   * Decodes a release.
   *
   * @throws CorruptArtifactException when the files disagree with each other or with their formats
   */
  public static Codebooks of(CodebookRelease release) throws IOException {
    IndexManifest index = IndexManifest.parse(release.indexJson(), "index.json of version " + release.version());
    Quantizer quantizer = release.quantizer() == null ? null
        : QuantizerCodec.read(release.quantizer(), "quantizer of version " + release.version()).quantizer();
    if (quantizer != null && quantizer.dimension() != index.dimension()) {
      throw new CorruptArtifactException("quantizer of version " + release.version(), String.format(
          "dimension %d, index.json says %d", quantizer.dimension(), index.dimension()));
    }
    float[] centroids = fvecs(release.centroids(), index.dimension(), index.centroids(), release.version());
    long[] occupancy = new long[index.centroids()];
    for (IndexManifest.Partition p : index.partitions()) {
      occupancy[p.centroid()] = p.nodes();
    }
    double trainedError = new ObjectMapper().readTree(release.manifest()).path(DRIFT_BASELINE)
        .path("mean_relative_error").asDouble(Double.NaN);
    return new Codebooks(release.version(), quantizer,
        new CoarseQuantizer(centroids, index.centroids(), index.dimension(), index.similarity()),
        new DriftBaseline(trainedError, occupancy));
  }

  /**
   * The manifest field recording the training-time figures, {@code "drift_baseline":
   * {"mean_relative_error": 0.031, "sample": 20000}}; optional.
   */
  public static final String DRIFT_BASELINE = "drift_baseline";

  /** What this version looked like at training time, for drift checks. */
  public DriftBaseline baseline() {
    return baseline;
  }

  /** The published version these codebooks belong to. */
  public int version() {
    return version;
  }

  public int dimension() {
    return coarse.dimension();
  }

  /** Bytes per code; 0 for float32 ({@code none}), whose codes are empty. */
  public int codeBytes() {
    return quantizer == null ? 0 : quantizer.codeBytes();
  }

  /** The quantizer, or {@code null} for float32. */
  public Quantizer quantizer() {
    return quantizer;
  }

  public CoarseQuantizer coarse() {
    return coarse;
  }

  /**
   * Encodes one vector of {@link #dimension()} finite floats.
   *
   * @param code receives the code; {@link #codeBytes()} long
   * @return the vector's coarse partition
   * @throws IllegalArgumentException for a wrong dimension or a non-finite value
   */
  public int encode(float[] vector, byte[] code) {
    if (vector.length != dimension()) {
      throw new IllegalArgumentException(String.format("dimension %d, the codebooks of version %d take %d",
          vector.length, version, dimension()));
    }
    if (quantizer != null) {
      quantizer.encode(vector, code, 0);
    } else {
      for (float x : vector) {
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("Cannot encode: a value is " + x);
        }
      }
    }
    return coarse.assign(vector);
  }

  /**
   * Encodes {@code count} vectors of {@link #dimension()} finite floats held row-major in
   * {@code vectors[0, count·dim)}, a block at a time ({@link Quantizer#encodeBlock},
   * {@link CoarseQuantizer#assignBlock}): the same codes and partitions as {@code count}
   * {@link #encode} calls.
   *
   * @param codes receives the codes, {@link #codeBytes()} each, back to back
   * @param partitions receives each vector's coarse partition
   * @throws IllegalArgumentException when a value is not finite, naming the vector and dimension
   */
  public void encodeBlock(float[] vectors, int count, byte[] codes, int[] partitions) {
    int dim = dimension();
    if (vectors.length < count * dim) {
      throw new IllegalArgumentException(String.format("%d floats hold fewer than %d vectors of dimension %d",
          vectors.length, count, dim));
    }
    if (quantizer != null) {
      quantizer.encodeBlock(vectors, 0, count, codes, 0);
    } else {
      for (int i = 0; i < count * dim; i++) {
        if (!Float.isFinite(vectors[i])) {
          throw new IllegalArgumentException(String.format("Cannot encode: vector %d of the block has %s at dimension %d",
              i / dim, vectors[i], i % dim));
        }
      }
    }
    coarse.assignBlock(vectors, 0, count, partitions);
  }

  private static float[] fvecs(byte[] bytes, int dim, int count, int version) throws CorruptArtifactException {
    long record = 4L + 4L * dim;
    if (bytes.length != record * count) {
      throw new CorruptArtifactException("centroids of version " + version, String.format(
          "%d bytes, expected %d centroids of dimension %d (%d bytes)", bytes.length, count, dim, record * count));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[count * dim];
    for (int c = 0; c < count; c++) {
      int d = in.getInt();
      if (d != dim) {
        throw new CorruptArtifactException("centroids of version " + version, "record " + c + " has dimension " + d);
      }
      for (int j = 0; j < dim; j++) {
        out[c * dim + j] = in.getFloat();
      }
    }
    return out;
  }
}
