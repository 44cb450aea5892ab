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
  /**
   * The warm-up's budget, pauses for the queries' share of the core included. Longer did not pay:
   * on a 1M hybrid-pq version, 1 s of warm-up moved the first answer from 1.7 s to 2.1 s after the
   * JVM's start, because what the first query waits for is C2 compiling the Vector API kernels,
   * not pages or classes.
   */
  private static final long WARM_UP_NANOS = 200_000_000L;

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
   * @param serving whether a version is served meanwhile (a switch): the new version's pages are
   *     then mapped in before it takes queries; a start leaves that to the first queries, which
   *     would otherwise wait for it
   *
   * @throws CorruptArtifactException when a file fails its check or the manifest is not one this
   *     node reads (refuse the version)
   * @throws FileNotFoundException when the manifest or {@code index.json} is missing (refuse it)
   * @throws IOException when storage cannot be read (retry later)
   */
  ServedVersion load(CatalogPointer pointer, BlobStore root, boolean serving, BackgroundShare share)
      throws IOException {
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
    if (serving) {
      // The served version answers meanwhile; the new one's first queries would otherwise fault
      // every page they touch first (a second of p99 at 30 queries/s on a 1M version, one core).
      opened.touchPages(share::pause);
    }
    long openedAt = System.nanoTime();
    WarmUp warm = warmUp(opened, defaults, share);
    long warmedAt = System.nanoTime();
    LOG.info("Version {} ready in {} ms (fetch and check {} ms, open{} {} ms, warm-up {} ms, {}): {} files fetched ({} bytes), "
        + "{} linked, {} already cached and intact; defaults ef={} nprobe={} oversample={} ({})", pointer.version(),
        (System.nanoTime() - start) / 1_000_000, (fetchedAt - start) / 1_000_000, serving ? " and map pages" : "", (openedAt - fetchedAt) / 1_000_000,
        (warmedAt - openedAt) / 1_000_000, warm, fetched.filesDownloaded(), fetched.bytesDownloaded(), fetched.filesLinked(), fetched.filesReused(),
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

  /** How many warm-up searches ran: cheap ones, then at the defaults. */
  private record WarmUp(int cheap, int full) {
    @Override
    public String toString() {
      return cheap + " cheap and " + full + " full searches";
    }
  }

  /**
   * Searches random queries to load the search path's classes and the pages near the entry
   * points: first cheap searches (one partition, ef 10, oversample at most 2), then searches at
   * the version's defaults until one is no faster than the one before it, for at most
   * {@link #WARM_UP_NANOS} (pauses for the queries' share of the core included). Going straight to
   * the defaults ran one search in the interpreter for two seconds (nprobe 32, ef 512, oversample
   * 32 on a 1M hybrid-pq version) before the node was ready.
   */
  private static WarmUp warmUp(PartitionedIndex index, SearchDefaults d, BackgroundShare share) {
    long deadline = System.nanoTime() + WARM_UP_NANOS;
    Random random = new Random(42);
    float[] q = new float[index.dimension()];
    int cheapOversample = Math.min(2, d.oversample());
    int cheap = 0;
    for (; cheap < CHEAP_WARM_UP_QUERIES && fits(deadline, share); cheap++) {
      search(index, q, random, 10, 1, cheapOversample);
      share.pause();
    }
    long previous = Long.MAX_VALUE;
    int full = 0;
    while (full < WARM_UP_QUERIES && fits(deadline, share)) {
      long start = System.nanoTime();
      search(index, q, random, d.ef(), d.nprobe(), d.oversample());
      full++;
      long took = System.nanoTime() - start;
      if (took > previous * 0.8) {
        break; // no longer getting faster: compiled
      }
      previous = took;
      share.pause();
    }
    return new WarmUp(cheap, full);
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
