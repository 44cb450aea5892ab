package io.quantpipe.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code index.json}: what a partitioned index directory holds. The files it names carry their
 * own checks (partition files and the quantizer artifact have CRC32C footers); the float vector
 * and centroid files are plain fvecs, so their CRC32C is recorded here.
 *
 * <pre>
 * { "format": "quantpipe-partitioned-index", "version": 1, "metric": "l2", "dimension": 128,
 *   "quantizer_crc32c": 123 | null, "centroids": 16, "centroids_crc32c": 456,
 *   "hnsw": {"m": 16, "ef_construction": 200, "seed": 42},
 *   "partitions": [{"centroid": 0, "graph": "part-00000.qph", "vectors": "part-00000.fvecs",
 *                   "nodes": 612, "vectors_crc32c": 789}, …] }
 * </pre>
 */
public record IndexManifest(int version, Similarity similarity, int dimension, Long quantizerCrc, int centroids,
    long centroidsCrc, HnswConfig hnsw, List<Partition> partitions) {
  public static final String FILE = "index.json";
  static final String FORMAT = "quantpipe-partitioned-index";
  public static final int VERSION_CURRENT = 1;
  public static final String QUANTIZER_FILE = "quantizer.qpa";
  public static final String CENTROIDS_FILE = "centroids.fvecs";

  /** One partition: the centroid it serves and its two files. */
  public record Partition(int centroid, String graph, String vectors, int nodes, long vectorsCrc) {}

  /** The graph file name of coarse partition {@code centroid}. */
  public static String graphFile(int centroid) {
    return String.format("part-%05d.qph", centroid);
  }

  /** The float-vector file name of coarse partition {@code centroid}. */
  public static String vectorsFile(int centroid) {
    return String.format("part-%05d.fvecs", centroid);
  }

  void write(Path dir) throws IOException {
    Files.writeString(dir.resolve(FILE), toJson());
  }

  /** The manifest as written to {@code index.json}. */
  public String toJson() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("format", FORMAT).put("version", version).put("metric", similarity.cliName()).put("dimension", dimension);
    if (quantizerCrc == null) {
      root.putNull("quantizer_crc32c");
    } else {
      root.put("quantizer_crc32c", quantizerCrc);
    }
    root.put("centroids", centroids).put("centroids_crc32c", centroidsCrc);
    root.putObject("hnsw").put("m", hnsw.m()).put("ef_construction", hnsw.efConstruction()).put("seed", hnsw.seed());
    ArrayNode parts = root.putArray("partitions");
    for (Partition p : partitions) {
      parts.addObject().put("centroid", p.centroid()).put("graph", p.graph()).put("vectors", p.vectors())
          .put("nodes", p.nodes()).put("vectors_crc32c", p.vectorsCrc());
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  static IndexManifest read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new CorruptArtifactException(dir.toString(), "not a partitioned index: no " + FILE);
    }
    return parse(Files.readAllBytes(file), file.toString());
  }

  /**
   * Parses {@code index.json} as read from any storage; {@code resource} names it in errors.
   *
   * @throws CorruptArtifactException when it is not an index manifest this reader understands
   */
  public static IndexManifest parse(byte[] json, String resource) throws IOException {
    String file = resource;
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      if (!FORMAT.equals(root.path("format").asText())) {
        throw new CorruptArtifactException(file, "format is '" + root.path("format").asText() + "', expected " + FORMAT);
      }
      int version = root.path("version").asInt(-1);
      if (version < 1 || version > VERSION_CURRENT) {
        throw new CorruptArtifactException(file, "version " + version + " is not supported: this reader reads 1 to " + VERSION_CURRENT);
      }
      JsonNode h = root.required("hnsw");
      List<Partition> parts = new ArrayList<>();
      for (JsonNode p : root.required("partitions")) {
        parts.add(new Partition(p.required("centroid").asInt(), p.required("graph").asText(),
            p.required("vectors").asText(), p.required("nodes").asInt(), p.required("vectors_crc32c").asLong()));
      }
      JsonNode qc = root.required("quantizer_crc32c");
      return new IndexManifest(version, Similarity.fromCliName(root.required("metric").asText()),
          root.required("dimension").asInt(), qc.isNull() ? null : qc.asLong(), root.required("centroids").asInt(),
          root.required("centroids_crc32c").asLong(),
          new HnswConfig(h.required("m").asInt(), h.required("ef_construction").asInt(), h.required("seed").asLong()), parts);
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CorruptArtifactException(file, "unreadable manifest: " + e.getMessage(), e);
    }
  }
}
