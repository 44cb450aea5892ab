package io.quantpipe.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.stats.DataFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The human-readable JSON manifest beside a quantizer artifact: strategy, parameters, seed, the
 * training-data fingerprint, the artifact's file name, size and CRC32C, and the quantpipe version
 * that wrote it. {@link #verify} checks that the files it lists are present and intact.
 *
 * <pre>
 * {"manifest_version": 1, "quantpipe_version": "0.1.0", "created": "2026-11-23T...Z",
 *  "strategy": "pq", "metric": "l2", "dimension": 128, "params": {...}, "seed": 42,
 *  "training_data": {"count": 10000, "dims": 128, "hash": "…16 hex digits…"},
 *  "files": {"quantizer.qpa": {"bytes": 132412, "crc32c": "…8 hex digits…"}}}
 * </pre>
 */
public final class QuantizerManifest {
  public static final String FILE_NAME = "manifest.json";
  public static final String ARTIFACT_NAME = "quantizer" + ArtifactFormat.EXTENSION;
  static final int MANIFEST_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QuantizerManifest() {}

  /** The version of quantpipe on the classpath ("dev" when run from classes). */
  public static String projectVersion() {
    String v = QuantizerManifest.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Writes {@code dir/quantizer.qpa} and then {@code dir/manifest.json} (last, so a manifest only
   * ever names a complete artifact).
   */
  public static Path write(Path dir, String strategy, Quantizer quantizer, Map<String, Object> params,
                           long seed, DataFingerprint trainingData) throws IOException {
    Files.createDirectories(dir);
    String paramsJson = JSON.writeValueAsString(params);
    byte[] artifact = QuantizerCodec.toBytes(quantizer, paramsJson);
    QuantizerCodec.writeAtomically(dir.resolve(ARTIFACT_NAME), artifact);

    ObjectNode root = JSON.createObjectNode();
    root.put("manifest_version", MANIFEST_VERSION);
    root.put("quantpipe_version", projectVersion());
    root.put("created", Instant.now().toString());
    root.put("strategy", strategy);
    root.put("kind", quantizer.kind().name().toLowerCase(java.util.Locale.ROOT));
    root.put("metric", quantizer.similarity().cliName());
    root.put("dimension", quantizer.dimension());
    root.put("code_bytes", quantizer.codeBytes());
    root.set("params", JSON.valueToTree(params));
    root.put("seed", seed);
    ObjectNode data = root.putObject("training_data");
    data.put("count", trainingData.count());
    data.put("dims", trainingData.dims());
    data.put("hash", trainingData.hashHex());
    ObjectNode file = root.putObject("files").putObject(ARTIFACT_NAME);
    file.put("bytes", artifact.length);
    file.put("crc32c", crcHex(artifact));
    Path manifest = dir.resolve(FILE_NAME);
    QuantizerCodec.writeAtomically(manifest, JSON.writeValueAsBytes(root));
    return manifest;
  }

  /**
   * Reads a manifest, checks every file it lists has the recorded size and CRC32C, and returns the
   * quantizer artifact it names.
   */
  public static QuantizerArtifact verify(Path manifest) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(manifest.toFile());
    } catch (IOException e) {
      throw new CorruptArtifactException(manifest.toString(), "unreadable manifest JSON: " + e.getMessage(), e);
    }
    int version = root.path("manifest_version").asInt(-1);
    if (version != MANIFEST_VERSION) {
      throw new CorruptArtifactException(manifest.toString(), "manifest_version " + version + " is not supported (expected " + MANIFEST_VERSION + ")");
    }
    JsonNode files = root.path("files");
    if (!files.has(ARTIFACT_NAME)) {
      throw new CorruptArtifactException(manifest.toString(), "lists no " + ARTIFACT_NAME);
    }
    Path dir = manifest.toAbsolutePath().getParent();
    var names = files.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f)) {
        throw new CorruptArtifactException(manifest.toString(), "lists " + name + ", which is missing");
      }
      byte[] bytes = Files.readAllBytes(f);
      String expected = files.get(name).path("crc32c").asText();
      long size = files.get(name).path("bytes").asLong(-1);
      if (bytes.length != size || !crcHex(bytes).equals(expected)) {
        throw new CorruptArtifactException(f.toString(), String.format(
            "does not match its manifest: %d bytes with CRC32C %s, manifest says %d bytes with %s", bytes.length, crcHex(bytes), size, expected));
      }
    }
    return QuantizerCodec.read(dir.resolve(ARTIFACT_NAME));
  }

  static String crcHex(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return String.format("%08x", crc.getValue());
  }
}
