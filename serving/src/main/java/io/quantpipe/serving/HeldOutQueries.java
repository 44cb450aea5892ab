package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.vector.FloatVectors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The held-out queries a version was evaluated on, as its manifest names them
 * ({@code files.queries}, an fvecs file under the version directory, checked against
 * {@code files.queries_crc32c}): what {@code POST /v1/benchmark} measures the served version on.
 * They are measurement input, not served data, so a version whose queries are missing or fail
 * their check is still served; the benchmark then answers 409 with {@link #problem}. Immutable.
 *
 * @param vectors the queries, or {@code null} when unavailable
 * @param problem why they are unavailable, or {@code null}
 */
record HeldOutQueries(FloatVectors vectors, String problem) {
  private static final Logger LOG = LoggerFactory.getLogger(HeldOutQueries.class);

  /** Reads and checks the queries {@code manifest} names under {@code versionDir}. */
  static HeldOutQueries load(IndexStore versionDir, JsonNode manifest, int dimension) {
    int version = manifest.path("version").asInt();
    JsonNode file = manifest.path("files").path("queries");
    JsonNode crc = manifest.path("files").path("queries_crc32c");
    if (!file.isTextual() || !crc.canConvertToLong()) {
      return unavailable(version, "its manifest names no held-out queries (files.queries and files.queries_crc32c); "
          + "it was published by an older build");
    }
    String name = versionDir.path(file.asText()).toString();
    try {
      byte[] bytes = versionDir.readBytes(file.asText());
      long actual = IndexStore.crc32c(bytes);
      if (actual != crc.asLong()) {
        return unavailable(version, String.format("%s: checksum mismatch: CRC32C 0x%08X, the manifest names 0x%08X",
            name, actual, crc.asLong()));
      }
      return new HeldOutQueries(parse(bytes, name, dimension), null);
    } catch (FileNotFoundException e) {
      return unavailable(version, name + " is missing");
    } catch (IOException | IllegalArgumentException e) {
      return unavailable(version, name + ": " + e.getMessage());
    }
  }

  /** Little-endian fvecs records: an int32 dimension, then that many float32s. */
  static FloatVectors parse(byte[] bytes, String name, int dimension) {
    int record = 4 + 4 * dimension;
    if (bytes.length == 0 || bytes.length % record != 0) {
      throw new IllegalArgumentException(String.format("%d bytes are not whole fvecs records of dimension %d (%d bytes "
          + "each)", bytes.length, dimension, record));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = bytes.length / record;
    float[] data = new float[n * dimension];
    for (int i = 0; i < n; i++) {
      int dim = in.getInt();
      if (dim != dimension) {
        throw new IllegalArgumentException("record " + i + " has dimension " + dim + "; the index's is " + dimension);
      }
      for (int j = 0; j < dimension; j++) {
        data[i * dimension + j] = in.getFloat();
      }
    }
    return new FloatVectors(data, dimension);
  }

  private static HeldOutQueries unavailable(int version, String why) {
    String problem = "version " + version + " has no usable held-out queries: " + why;
    LOG.warn("{}; POST /v1/benchmark is unavailable on it", problem);
    return new HeldOutQueries(null, problem);
  }
}
