package io.quantpipe.storage.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.strategy.Strategy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads {@link IndexStatistics} from an index root through Hadoop's FileSystem, without Spark: the
 * pointer, one version's {@code manifest.json} (checked against the pointer's CRC32C when it is the
 * current version), {@code index.json} and {@code quantizer.qpa} (each checked against the CRC32C
 * the manifest records; the artifact also against its own footer), one listing of {@code index/}
 * for the file sizes, and one listing of {@code versions/}. Partition files are not opened, so it
 * costs a handful of small reads whatever the corpus size.
 *
 * <p>Failures name the file and the reason: {@link IllegalStateException} when nothing is
 * published, {@link IllegalArgumentException} for a version that is not there or not complete,
 * {@link CorruptArtifactException} for a file that fails its check or lacks a field, and the file
 * system's {@link IOException} when storage cannot be reached. Stateless.
 */
public final class IndexStatisticsReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IndexStatisticsReader() {}

  /**
   * @param version the version to describe, {@code null} for the current one
   */
  public static IndexStatistics read(String rootUri, Configuration conf, Integer version) throws IOException {
    Opened o = open(rootUri, conf, version);
    Map<String, Object> params = quantizerParams(o.index, o.manifest, o.manifestName);
    Map<String, Long> sizes = sizes(o.index);
    ManifestFigures figures = new ManifestFigures(o.manifest, o.manifestName);
    return new IndexStatistics(o.root, o.version, o.current, o.manifest.path("created").asText(null),
        figures.corpus(params), figures.training(params), memory(figures, o.indexJson, sizes, o.index),
        partitions(o.indexJson, sizes, o.index), figures.evaluation(), o.versions);
  }

  /**
   * Reads every file of a version's index from storage, once, and checks each against its footer
   * and the CRC32C {@code index.json} records ({@link StoredIndexCheck}): a file changed in storage
   * after publish is refused, named. It reads the whole index, so it costs what a node's first
   * open does.
   *
   * @param version the version to check, {@code null} for the current one
   * @throws io.quantpipe.format.CorruptArtifactException naming the first file that fails
   */
  public static StoredIndexCheck.Verified verifyFiles(String rootUri, Configuration conf, Integer version)
      throws IOException {
    Opened o = open(rootUri, conf, version);
    return StoredIndexCheck.verify(o.index, o.indexJson);
  }

  /** A version's checked manifest and {@code index.json}, and where they lie. */
  private record Opened(String root, int version, boolean current, List<IndexStatistics.VersionEntry> versions,
      JsonNode manifest, String manifestName, IndexStore index, IndexManifest indexJson) {}

  private static Opened open(String rootUri, Configuration conf, Integer version) throws IOException {
    VersionCatalog catalog = new VersionCatalog(rootUri, conf);
    String root = new org.apache.hadoop.fs.Path(rootUri).toString();
    List<Integer> present = catalog.versions();
    CatalogPointer pointer = catalog.current();
    IndexStore rootStore = new IndexStore(root, conf);
    if (version == null && pointer == null) {
      if (!rootStore.fileSystem().exists(rootStore.root())) {
        throw new IllegalStateException("No index at " + root + ": the directory does not exist");
      }
      throw new IllegalStateException(String.format("Nothing is published under %s: no %s/%s (run bin/quantpipe "
          + "pipeline first, or name a complete version with --version)", root, root, CatalogPointer.FILE));
    }
    int v = version != null ? version : pointer.version();
    boolean current = pointer != null && pointer.version() == v;
    List<IndexStatistics.VersionEntry> versions = versions(catalog, conf, present, pointer);
    if (!current && !present.contains(v)) {
      throw new IllegalArgumentException(String.format("No version %d under %s; versions present: %s", v, root,
          describe(versions)));
    }
    IndexStore dir = new IndexStore(catalog.versionUri(v), conf);
    JsonNode manifest = manifest(dir, pointer, current, v, root, versions);
    String manifestName = dir.path(CatalogPointer.MANIFEST).toString();
    IndexStore index = new IndexStore(dir.root() + "/" + PublishedIndex.INDEX_DIR, conf);
    IndexManifest indexJson = IndexManifest.parse(checked(index, IndexManifest.FILE,
        field(manifest, "files.index_crc32c", manifestName).asLong(), manifestName), index.path(IndexManifest.FILE)
        .toString());
    return new Opened(root, v, current, versions, manifest, manifestName, index, indexJson);
  }

  private static JsonNode manifest(IndexStore dir, CatalogPointer pointer, boolean current, int v, String root,
      List<IndexStatistics.VersionEntry> versions) throws IOException {
    String name = dir.path(CatalogPointer.MANIFEST).toString();
    byte[] bytes;
    try {
      bytes = dir.readBytes(CatalogPointer.MANIFEST);
    } catch (FileNotFoundException e) {
      if (current) {
        throw new CorruptArtifactException(name, String.format("missing, but %s/%s names version %d", root,
            CatalogPointer.FILE, v), e);
      }
      throw new IllegalArgumentException(String.format("Version %d under %s is incomplete: no %s (its run failed "
          + "or has not published yet); complete versions: %s", v, root, name, complete(versions)), e);
    }
    if (current) {
      pointer.checkManifest(bytes, name);
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new CorruptArtifactException(name, "unreadable manifest: " + e.getOriginalMessage(), e);
    }
    if (!CatalogPointer.MANIFEST_FORMAT.equals(node.path("format").asText())) {
      throw new CorruptArtifactException(name, String.format("format is '%s', expected %s",
          node.path("format").asText(), CatalogPointer.MANIFEST_FORMAT));
    }
    if (field(node, "version", name).asInt() != v) {
      throw new CorruptArtifactException(name, String.format("records version %d, but lies in the directory of "
          + "version %d", node.path("version").asInt(), v));
    }
    return node;
  }

  /** A file's bytes, refused when their CRC32C differs from the manifest's. */
  private static byte[] checked(IndexStore index, String file, long expectedCrc, String manifestName)
      throws IOException {
    byte[] bytes;
    try {
      bytes = index.readBytes(file);
    } catch (FileNotFoundException e) {
      throw new CorruptArtifactException(index.path(file).toString(), "missing, but " + manifestName + " names it", e);
    }
    long crc = IndexStore.crc32c(bytes);
    if (crc != expectedCrc) {
      throw new CorruptArtifactException(index.path(file).toString(), String.format(
          "checksum mismatch: CRC32C 0x%08X, %s records 0x%08X", crc, manifestName, expectedCrc));
    }
    return bytes;
  }

  /** The parameters in the quantizer artifact's header; empty for float32 (no artifact). */
  private static Map<String, Object> quantizerParams(IndexStore index, JsonNode manifest, String manifestName)
      throws IOException {
    if (!manifest.path("files").has("quantizer")) {
      return Map.of();
    }
    String resource = index.path(IndexManifest.QUANTIZER_FILE).toString();
    byte[] bytes;
    try {
      bytes = index.readBytes(IndexManifest.QUANTIZER_FILE);
    } catch (FileNotFoundException e) {
      throw new CorruptArtifactException(resource, "missing, but " + manifestName + " names it", e);
    }
    // The artifact checks its own footer; the manifest records that footer's CRC32C, as graphs do.
    QuantizerArtifact artifact = QuantizerCodec.read(bytes, resource);
    long expected = field(manifest, "files.quantizer_crc32c", manifestName).asLong();
    if (artifact.crc32c() != expected) {
      throw new CorruptArtifactException(resource, String.format(
          "not the artifact the manifest names: CRC32C 0x%08X, %s records 0x%08X", artifact.crc32c(), manifestName,
          expected));
    }
    String params = artifact.paramsJson();
    try {
      return JSON.readValue(params, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new CorruptArtifactException(resource, "unreadable parameters in the header: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, Long> sizes(IndexStore index) throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    for (FileStatus f : index.fileSystem().listStatus(index.root())) {
      if (f.isFile() && !f.getPath().getName().startsWith(".")) { // Hadoop's local .crc side files
        sizes.put(f.getPath().getName(), f.getLen());
      }
    }
    return sizes;
  }

  private static long size(Map<String, Long> sizes, String file, IndexStore index) throws CorruptArtifactException {
    Long size = sizes.get(file);
    if (size == null) {
      throw new CorruptArtifactException(index.path(file).toString(), "missing, but " + IndexManifest.FILE
          + " names it");
    }
    return size;
  }

  private static IndexStatistics.Memory memory(ManifestFigures f, IndexManifest indexJson, Map<String, Long> sizes,
      IndexStore index) throws CorruptArtifactException {
    long n = f.vectors();
    int codeBytes = f.codeBytes();
    long codes = (long) codeBytes * n;
    long model = codeBytes == 0 ? 0 : size(sizes, IndexManifest.QUANTIZER_FILE, index);
    long float32 = 4L * indexJson.dimension() * n;
    // As the manifest and the quality gate count it: float32 keeps its vectors, so it compresses 1x.
    long total = codeBytes == 0 ? float32 : codes + model;
    long graphFiles = 0;
    long vectorFiles = 0;
    for (IndexManifest.Partition p : indexJson.partitions()) {
      graphFiles += size(sizes, p.graph(), index);
      vectorFiles += size(sizes, p.vectors(), index);
    }
    Strategy strategy = Strategy.parse(f.strategy());
    String role = codeBytes == 0 ? "searched" : strategy.hybrid() ? "rescoring" : "unused";
    long indexFiles = sizes.values().stream().mapToLong(Long::longValue).sum();
    return new IndexStatistics.Memory(codeBytes, codes, model, total, float32, float32 - total,
        (double) float32 / total, graphFiles - codes, size(sizes, IndexManifest.CENTROIDS_FILE, index), vectorFiles,
        role, indexFiles);
  }

  private static IndexStatistics.Partitions partitions(IndexManifest indexJson, Map<String, Long> sizes,
      IndexStore index) throws CorruptArtifactException {
    Map<Integer, IndexManifest.Partition> built = new HashMap<>();
    indexJson.partitions().forEach(p -> built.put(p.centroid(), p));
    List<IndexStatistics.Partition> out = new ArrayList<>();
    for (int c = 0; c < indexJson.centroids(); c++) {
      IndexManifest.Partition p = built.get(c);
      out.add(p == null ? new IndexStatistics.Partition(c, 0, 0, 0)
          : new IndexStatistics.Partition(c, p.nodes(), size(sizes, p.graph(), index), size(sizes, p.vectors(), index)));
    }
    return new IndexStatistics.Partitions(out,
        IndexStatistics.Balance.of(out.stream().mapToLong(IndexStatistics.Partition::vectors).toArray()),
        IndexStatistics.Balance.of(out.stream().mapToLong(IndexStatistics.Partition::bytes).toArray()));
  }

  private static List<IndexStatistics.VersionEntry> versions(VersionCatalog catalog, Configuration conf,
      List<Integer> present, CatalogPointer pointer) throws IOException {
    List<IndexStatistics.VersionEntry> out = new ArrayList<>();
    for (int v : present) {
      boolean complete = new IndexStore(catalog.versionUri(v), conf).exists(CatalogPointer.MANIFEST);
      out.add(new IndexStatistics.VersionEntry(v, complete, pointer != null && pointer.version() == v));
    }
    return out;
  }

  private static String complete(List<IndexStatistics.VersionEntry> versions) {
    String list = versions.stream().filter(IndexStatistics.VersionEntry::complete)
        .map(e -> String.valueOf(e.version())).collect(Collectors.joining(", "));
    return list.isEmpty() ? "none" : list;
  }

  private static String describe(List<IndexStatistics.VersionEntry> versions) {
    if (versions.isEmpty()) {
      return "none";
    }
    return versions.stream().map(e -> e.version() + (e.current() ? " (current)" : e.complete() ? "" : " (incomplete)"))
        .collect(Collectors.joining(", "));
  }

  /** A field of a manifest by dotted path; its absence names the file and the field. */
  static JsonNode field(JsonNode node, String path, String resource) throws CorruptArtifactException {
    JsonNode n = node;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    if (n.isMissingNode() || n.isNull()) {
      throw new CorruptArtifactException(resource, "has no field '" + path + "'");
    }
    return n;
  }
}
