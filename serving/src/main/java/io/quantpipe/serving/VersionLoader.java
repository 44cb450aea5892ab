package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.stats.IndexStatisticsReader;
import io.quantpipe.storage.stats.StatisticsReport;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Random;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a version pointer into a {@link ServedVersion}: reads the version's {@code manifest.json}
 * and checks it against the pointer's CRC32C, reads {@code index.json} and checks it against the
 * manifest's {@code files.index_crc32c}, brings every file it names into the {@link VersionCache}
 * (each checked on arrival), opens the index from the cache (headers and lengths only: the content
 * was just checked), and runs a few searches so the first real query does not pay for class
 * loading and cold pages; the version's statistics and held-out queries are read when first asked
 * for. Nothing is served from a file that failed a check: those failures surface as
 * {@link CorruptArtifactException}. Not thread-safe (the node's
 * follower thread is its one caller).
 */
final class VersionLoader {
  private static final Logger LOG = LoggerFactory.getLogger(VersionLoader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Cheap searches first: enough to pass the JIT's thresholds for the search path's loops. */
  private static final int CHEAP_WARM_UP_QUERIES = 100;
  private static final int WARM_UP_QUERIES = 32;
  private static final long START_WARM_UP_NANOS = 1_000_000_000L;
  private static final long SWITCH_WARM_UP_NANOS = 200_000_000L;

  private final ServeOptions options;
  private final VersionCache cache;

  VersionLoader(ServeOptions options, VersionCache cache) {
    this.options = options;
    this.cache = cache;
  }

  /**
   * Prepares {@code pointer}'s version, read from {@code root}, beside whatever is served,
   * copying, checking and warming up within {@code share} of a core.
   *
   * @param serving whether a version is served meanwhile (a switch): the warm-up is then shorter
   *
   * @throws CorruptArtifactException when a file fails its check or the manifest is not one this
   *     node reads (refuse the version)
   * @throws FileNotFoundException when the manifest or {@code index.json} is missing (refuse it)
   * @throws IOException when storage cannot be read (retry later)
   */
  ServedVersion load(CatalogPointer pointer, BlobStore root, boolean serving, BackgroundShare share) throws IOException {
    long start = System.nanoTime();
    String versionDir = CatalogPointer.VERSIONS + "/" + CatalogPointer.dirName(pointer.version());
    String manifestName = root.describe(versionDir + "/" + CatalogPointer.MANIFEST);
    byte[] manifestBytes = readExisting(root, versionDir + "/" + CatalogPointer.MANIFEST);
    pointer.checkManifest(manifestBytes, manifestName);
    JsonNode manifest = parse(manifestBytes, manifestName);
    if (!CatalogPointer.MANIFEST_FORMAT.equals(manifest.path("format").asText())
        || manifest.path("version").asInt(-1) != pointer.version()) {
      throw new CorruptArtifactException(manifestName, "not the manifest of version " + pointer.version() + " (format '"
          + manifest.path("format").asText() + "', version " + manifest.path("version") + ")");
    }
    JsonNode indexCrc = manifest.path("files").path("index_crc32c");
    if (!indexCrc.canConvertToLong()) {
      throw new CorruptArtifactException(manifestName, "no files.index_crc32c: cannot check index.json");
    }
    String indexDir = versionDir + "/" + PublishedIndex.INDEX_DIR;
    String indexJsonPath = indexDir + "/" + io.quantpipe.index.IndexManifest.FILE;
    byte[] indexJson = readExisting(root, indexJsonPath);
    long crc = crc32c(indexJson);
    if (crc != indexCrc.asLong()) {
      throw new CorruptArtifactException(root.describe(indexJsonPath), String.format(
          "checksum mismatch: CRC32C 0x%08X, the version manifest names 0x%08X", crc, indexCrc.asLong()));
    }
    VersionCache.Fetched fetched;
    PartitionedIndex opened;
    long fetchedAt;
    try {
      fetched = cache.fetch(root, indexDir, pointer.version(), indexJson, share);
      fetchedAt = System.nanoTime();
      opened = PartitionedIndex.open(fetched.dir(), false);
    } catch (CorruptArtifactException e) {
      cache.remove(pointer.version());
      throw e;
    }
    SearchDefaults defaults = SearchDefaults.of(manifest, fetched.manifest());
    long openedAt = System.nanoTime();
    warmUp(opened, defaults, serving, share);
    long warmedAt = System.nanoTime();
    LOG.info("Version {} ready in {} ms (fetch and check {} ms, open {} ms, warm-up {} ms): {} files fetched ({} bytes), "
        + "{} linked, {} already cached and intact; defaults ef={} nprobe={} oversample={} ({})", pointer.version(),
        (System.nanoTime() - start) / 1_000_000, (fetchedAt - start) / 1_000_000, (openedAt - fetchedAt) / 1_000_000,
        (warmedAt - openedAt) / 1_000_000, fetched.filesDownloaded(), fetched.bytesDownloaded(), fetched.filesLinked(), fetched.filesReused(),
        defaults.ef(), defaults.nprobe(), defaults.oversample(), defaults.source());
    return new ServedVersion(pointer, manifest, opened, defaults, fetched.manifest().centroids(), fetched,
        () -> statistics(pointer.version()), () -> HeldOutQueries.load(root, versionDir, manifest, opened.dimension(), fetched.dir()));
  }

  private static byte[] readExisting(BlobStore root, String path) throws IOException {
    byte[] bytes = root.read(path);
    if (bytes == null) {
      throw new FileNotFoundException(root.describe(path));
    }
    return bytes;
  }

  private static long crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  private static JsonNode parse(byte[] bytes, String name) throws CorruptArtifactException {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new CorruptArtifactException(name, "unreadable manifest: " + e.getMessage(), e);
    }
  }

  /**
   * Searches random queries until the search path is compiled and the pages near the entry points
   * are read: first cheap searches (one partition, ef 10, oversample at most 2), which pass the
   * JIT's thresholds within milliseconds, then searches at the version's defaults until one is no
   * faster than the one before it. Going straight to the defaults ran the first search in the
   * interpreter: two seconds at nprobe 32, ef 512, oversample 32 on a 1M hybrid-pq version, and
   * the first real query still paid for the compilation that search had begun.
   *
   * <p>A start (nothing served, {@code share} unlimited) warms up for at most {@link
   * #START_WARM_UP_NANOS}; a switch while serving for at most {@link #SWITCH_WARM_UP_NANOS}, pauses
   * for the queries' share of the core included: the code is compiled by then (the served version
   * runs it), and the switch should not wait.
   */
  private static void warmUp(PartitionedIndex index, SearchDefaults d, boolean serving, BackgroundShare share) {
    long deadline = System.nanoTime() + (serving ? SWITCH_WARM_UP_NANOS : START_WARM_UP_NANOS);
    Random random = new Random(42);
    float[] q = new float[index.dimension()];
    int cheapOversample = Math.min(2, d.oversample());
    for (int i = 0; i < CHEAP_WARM_UP_QUERIES && fits(deadline, share); i++) {
      search(index, q, random, 10, 1, cheapOversample);
      share.pause();
    }
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < WARM_UP_QUERIES && fits(deadline, share); i++) {
      long start = System.nanoTime();
      search(index, q, random, d.ef(), d.nprobe(), d.oversample());
      long took = System.nanoTime() - start;
      if (took > previous * 0.8) {
        break; // no longer getting faster: compiled
      }
      previous = took;
      share.pause();
    }
  }

  /** Whether there is time left for another search, after the pause owed for the last one. */
  private static boolean fits(long deadline, BackgroundShare share) {
    return System.nanoTime() + share.owedNanos() < deadline;
  }

  private static void search(PartitionedIndex index, float[] q, Random random, int ef, int nprobe, int oversample) {
    for (int j = 0; j < q.length; j++) {
      q[j] = (float) random.nextGaussian();
    }
    IndexHits ignored = index.search(q, 10, ef, nprobe, oversample, null);
  }

  /** What {@code bin/quantpipe stats} prints, as JSON; an error object when it cannot be read (it is informational). */
  private JsonNode statistics(int version) {
    try {
      return JSON.readTree(StatisticsReport.json(IndexStatisticsReader.read(options.index(), options.hadoopConfiguration(), version)));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Statistics of version {} unavailable: {}", version, e.toString());
      return JSON.createObjectNode().put("error", String.valueOf(e.getMessage()));
    }
  }
}
