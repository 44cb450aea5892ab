package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.catalog.BlobStore;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
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

  /**
   * Reads and checks the queries {@code manifest} names under {@code versionDir} (relative to
   * {@code root}), through a copy in {@code localDir} (the version's cache directory) so the
   * project's fvecs reader parses them.
   */
  static HeldOutQueries load(BlobStore root, String versionDir, JsonNode manifest, int dimension, Path localDir) {
    int version = manifest.path("version").asInt();
    JsonNode file = manifest.path("files").path("queries");
    JsonNode crc = manifest.path("files").path("queries_crc32c");
    if (!file.isTextual() || !crc.canConvertToLong()) {
      return unavailable(version, "its manifest names no held-out queries (files.queries and files.queries_crc32c); "
          + "it was published by an older build");
    }
    String path = versionDir + "/" + file.asText();
    String name = root.describe(path);
    Path local = localDir.resolve(".held-out-queries.fvecs");
    try {
      byte[] bytes = root.read(path);
      if (bytes == null) {
        return unavailable(version, name + " is missing");
      }
      CRC32C crc32c = new CRC32C();
      crc32c.update(bytes);
      long actual = crc32c.getValue();
      if (actual != crc.asLong()) {
        return unavailable(version, String.format("%s: checksum mismatch: CRC32C 0x%08X, the manifest names 0x%08X",
            name, actual, crc.asLong()));
      }
      Files.write(local, bytes);
      FloatVectors queries = FvecsReader.readFvecs(local);
      if (queries.dim() != dimension) {
        return unavailable(version, name + " has dimension " + queries.dim() + "; the index's is " + dimension);
      }
      return new HeldOutQueries(queries, null);
    } catch (FileNotFoundException e) {
      return unavailable(version, name + " is missing");
    } catch (IOException | IllegalArgumentException e) {
      return unavailable(version, name + ": " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(local);
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", local, e.toString());
      }
    }
  }

  private static HeldOutQueries unavailable(int version, String why) {
    String problem = "version " + version + " has no usable held-out queries: " + why;
    LOG.warn("{}; POST /v1/benchmark is unavailable on it", problem);
    return new HeldOutQueries(null, problem);
  }
}
