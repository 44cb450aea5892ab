package io.quantpipe.storage;

import io.quantpipe.catalog.CatalogPointer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published versions under an index root:
 *
 * <pre>
 * ROOT/_CURRENT                  {"version": 3, "manifest_crc32c": 123456}   (the pointer)
 * ROOT/versions/v-000003/        one pipeline run: tables, index/ and, written last, manifest.json
 * </pre>
 *
 * A run writes everything into a new version directory, then {@code manifest.json}, then switches
 * the pointer. The pointer is one small file replaced in one step (a rename on file systems, a
 * single PUT on S3, both atomic), so readers see the old version or the new one, never a mixture;
 * a run that fails or is killed leaves its directory without a manifest and the pointer untouched.
 * Version numbers are never reused.
 *
 * <p>Concurrent runs on one root are safe on stores with linearizable writes and listings (local,
 * HDFS, S3; see {@link ExclusiveClaim}):
 * <ul>
 *   <li>{@link #createNext} claims its number ({@code v-N/_claim.*}, kept for good), so two runs
 *       never share a directory: the loser takes the next number;
 *   <li>{@link #publish} and {@link #rollback} switch the pointer holding the root's lease
 *       ({@code ROOT/_lease.*}, {@value #LEASE_KEY}, default 5 minutes: a killed holder's lease lapses),
 *       and publish compares the pointer with the one the run started from: it refuses when a
 *       rollback happened since, or a newer version became current, naming what happened (the
 *       refused version gets no manifest: retention removes it); a publish of an older version by
 *       another run in between is overtaken, version numbers deciding.
 * </ul>
 */
public final class VersionCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(VersionCatalog.class);
  public static final String POINTER = CatalogPointer.FILE;
  public static final String VERSIONS = CatalogPointer.VERSIONS;
  public static final String MANIFEST = CatalogPointer.MANIFEST;
  /** The Hadoop configuration key of the pointer lease's length, milliseconds. */
  public static final String LEASE_KEY = "quantpipe.catalog.lease-ms";
  private static final long DEFAULT_LEASE_MS = 300_000;
  /**
   * The Hadoop configuration key of how long an incomplete version must have been idle (no file
   * written in it or its stage records) before retention treats it as abandoned, milliseconds: a
   * concurrent run's version is incomplete too until it publishes.
   */
  public static final String ABANDONED_AFTER_KEY = "quantpipe.catalog.abandoned-after-ms";
  private static final long DEFAULT_ABANDONED_AFTER_MS = 24L * 3600 * 1000;
  /**
   * Fault injection, for tests that kill a run between its manifest and its pointer: milliseconds
   * publish waits after writing the manifest (default 0).
   */
  public static final String PAUSE_BEFORE_POINTER_KEY = "quantpipe.fault.pause-before-pointer-ms";
  private static final String VERSION_CLAIM = "_claim";
  private static final String LEASE = "_lease";
  private static final int ALLOCATION_ATTEMPTS = 100;
  private static final Pattern NAME = Pattern.compile("v-(\\d{6,})");

  private final Path root;
  private final FileSystem fs;
  private final long leaseMs;
  private final long abandonedAfterMs;
  private final long pauseBeforePointerMs;

  public VersionCatalog(String rootUri, Configuration conf) throws IOException {
    this.root = new Path(rootUri);
    this.fs = root.getFileSystem(conf);
    this.leaseMs = conf.getLong(LEASE_KEY, DEFAULT_LEASE_MS);
    if (leaseMs < 1) {
      throw new IllegalArgumentException(LEASE_KEY + " must be a positive number of milliseconds; got " + leaseMs);
    }
    this.pauseBeforePointerMs = conf.getLong(PAUSE_BEFORE_POINTER_KEY, 0);
    this.abandonedAfterMs = conf.getLong(ABANDONED_AFTER_KEY, DEFAULT_ABANDONED_AFTER_MS);
    if (abandonedAfterMs < 0) {
      throw new IllegalArgumentException(ABANDONED_AFTER_KEY + " must be 0 or more milliseconds; got " + abandonedAfterMs);
    }
  }

  public static String dirName(int version) {
    return CatalogPointer.dirName(version);
  }

  /** The URI of a version's directory. */
  public String versionUri(int version) {
    return new Path(new Path(root, VERSIONS), dirName(version)).toString();
  }

  /** Every version directory number, complete or not, ascending. */
  public List<Integer> versions() throws IOException {
    List<Integer> out = new ArrayList<>();
    Path dir = new Path(root, VERSIONS);
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      Matcher m = NAME.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Creates the next version's directory (one past every existing one), claimed for {@code owner},
   * and returns its number. A number another run claims first is skipped.
   */
  public int createNext(String owner) throws IOException {
    for (int attempt = 0; attempt < ALLOCATION_ATTEMPTS; attempt++) {
      List<Integer> existing = versions();
      int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
      Path dir = new Path(versionUri(next));
      if (!fs.mkdirs(dir)) {
        throw new IOException("Cannot create " + dir);
      }
      if (ExclusiveClaim.tryClaim(fs, dir, VERSION_CLAIM, owner, ExclusiveClaim.FOREVER) != null) {
        return next;
      }
      LOG.info("Version {} under {} is claimed or contended by another run; trying the next", next, root);
      ExclusiveClaim.pause(attempt, root.toString());
    }
    throw new IOException("Could not claim a new version under " + root + " in " + ALLOCATION_ATTEMPTS
        + " attempts: other runs claimed every number tried");
  }

  /** The current version, or {@code null} when nothing has been published yet. */
  public CatalogPointer current() throws IOException {
    Path pointer = new Path(root, POINTER);
    try (var in = fs.open(pointer)) {
      return CatalogPointer.parse(in.readAllBytes(), pointer.toString());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** The current version's manifest, checked against the CRC32C the pointer records. */
  public byte[] currentManifest() throws IOException {
    CatalogPointer c = current();
    if (c == null) {
      throw new FileNotFoundException("Nothing is published under " + root + " (no " + POINTER + ")");
    }
    Path manifest = new Path(versionUri(c.version()), MANIFEST);
    byte[] bytes;
    try (var in = fs.open(manifest)) {
      bytes = in.readAllBytes();
    }
    c.checkManifest(bytes, manifest.toString());
    return bytes;
  }

  /** Builds a version's manifest once the switch is allowed (it may commit to a table first). */
  @FunctionalInterface
  public interface ManifestSource {
    String manifestJson() throws IOException;
  }

  /**
   * Publishes {@code version} if nothing conflicting happened since the run began: holding the
   * root's lease, compares the pointer with {@code startedFrom}, then takes the manifest from
   * {@code manifest}, writes it, and switches the pointer to it. Call once everything the manifest
   * names is written.
   *
   * @param startedFrom the pointer when the run began, null when nothing was published then
   * @throws ConcurrentPublishException when a rollback happened since, or a newer version is current
   */
  @SuppressWarnings("try") // the lease is held for the block, not read in it
  public void publish(int version, CatalogPointer startedFrom, ManifestSource manifest) throws IOException {
    try (ExclusiveClaim lease = acquireLease("publish of version " + version)) {
      CatalogPointer now = current();
      String conflict = conflict(now, startedFrom, version);
      if (conflict != null) {
        throw new ConcurrentPublishException(String.format(
            "Version %d under %s was not published: %s. Nothing was published (its directory is left for "
                + "retention to remove); run again to publish a newer version", version, root, conflict));
      }
      byte[] bytes = manifest.manifestJson().getBytes(StandardCharsets.UTF_8);
      new IndexStore(versionUri(version), fs.getConf()).writeBytes(MANIFEST, bytes);
      if (pauseBeforePointerMs > 0) {
        LOG.warn("Fault injection ({}): version {}'s manifest is written; waiting {} ms before the pointer",
            PAUSE_BEFORE_POINTER_KEY, version, pauseBeforePointerMs);
        try {
          Thread.sleep(pauseBeforePointerMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("Interrupted before switching the pointer to version " + version);
        }
      }
      writePointer(now, version, bytes, CatalogPointer.PUBLISH);
    }
  }

  /** {@link #publish(int, CatalogPointer, ManifestSource)} of a ready manifest. */
  public void publish(int version, CatalogPointer startedFrom, String manifestJson) throws IOException {
    publish(version, startedFrom, () -> manifestJson);
  }

  /** Why {@code version} must not replace {@code now}, or null when it may. */
  private static String conflict(CatalogPointer now, CatalogPointer startedFrom, int version) {
    if (now == null) {
      return startedFrom == null ? null : "the pointer, at version " + startedFrom.version() + " when the run began, is gone";
    }
    if (now.equals(startedFrom)) {
      return null;
    }
    if (now.version() >= version) {
      return "version " + now.version() + " became current while this run built version " + version;
    }
    if (CatalogPointer.ROLLBACK.equals(now.switchedBy())) {
      return "the index was rolled back to version " + now.version() + " during this run (which began at "
          + (startedFrom == null ? "no version" : "version " + startedFrom.version()) + ")";
    }
    return null; // another run published an older version meanwhile: the newer one takes over
  }

  /** Takes the root's lease, waiting for its holder up to the lease's length and a little more. */
  private ExclusiveClaim acquireLease(String purpose) throws IOException {
    fs.mkdirs(root);
    return ExclusiveClaim.acquire(fs, root, LEASE, purpose + " (pid " + ProcessHandle.current().pid() + ")", leaseMs,
        leaseMs + 10_000);
  }

  /** Whether {@code version}'s directory holds its manifest (the run that wrote it finished). */
  public boolean isComplete(int version) throws IOException {
    return fs.exists(new Path(versionUri(version), MANIFEST));
  }

  /**
   * Points back to an earlier complete version: {@code to}, or when null the newest complete
   * version below the current one. Its manifest is read again and its CRC32C recorded in the
   * pointer, so readers check it as they check a fresh publish.
   *
   * @return the version now current
   * @throws IllegalArgumentException when nothing is published, or there is no such complete version
   */
  @SuppressWarnings("try") // the lease is held for the block, not read in it
  public int rollback(Integer to) throws IOException {
    try (ExclusiveClaim lease = acquireLease("rollback")) {
      return rollbackLeased(to);
    }
  }

  private int rollbackLeased(Integer to) throws IOException {
    CatalogPointer current = current();
    if (current == null) {
      throw new IllegalArgumentException("Nothing is published under " + root + " (no " + POINTER + "): nothing to roll back");
    }
    int target;
    if (to != null) {
      if (!versions().contains(to) || !isComplete(to)) {
        throw new IllegalArgumentException("Version " + to + " under " + root + " is not a complete version (present: "
            + versions() + "; retention may have deleted it)");
      }
      target = to;
    } else {
      target = -1;
      for (int v : versions()) {
        if (v < current.version() && isComplete(v)) {
          target = v;
        }
      }
      if (target < 0) {
        throw new IllegalArgumentException("No complete version older than the current " + current.version() + " under "
            + root + " to roll back to (present: " + versions() + ")");
      }
    }
    byte[] manifest;
    try (var in = fs.open(new Path(versionUri(target), MANIFEST))) {
      manifest = in.readAllBytes();
    }
    writePointer(current, target, manifest, CatalogPointer.ROLLBACK);
    LOG.info("Rolled back {} from version {} to {}", root, current.version(), target);
    return target;
  }

  /** Replaces the pointer in one step: a rename on file systems, a single PUT on S3 (both atomic). */
  private void writePointer(CatalogPointer previous, int version, byte[] manifest, String by) throws IOException {
    long crc = IndexStore.crc32c(manifest);
    byte[] pointer = (previous == null ? new CatalogPointer(version, crc, 0, by) : previous.next(version, crc, by)).toBytes();
    Path target = new Path(root, POINTER);
    if ("s3a".equals(fs.getScheme())) {
      try (var out = fs.create(target, true)) { // a single PUT replaces the object atomically
        out.write(pointer);
      }
      return;
    }
    Path staged = new Path(root, "." + POINTER + "." + version);
    try (var out = fs.create(staged, true)) {
      out.write(pointer);
    }
    if (!fs.rename(staged, target)) { // HDFS will not rename over a file: replace it
      fs.delete(target, false);
      if (!fs.rename(staged, target)) {
        throw new IOException("Cannot move " + staged + " to " + target);
      }
    }
  }

  /** Milliseconds since the last file was written in {@code version}'s directory or its stage records. */
  private long idleMs(int version) throws IOException {
    long last = 0;
    for (Path dir : new Path[] {new Path(versionUri(version)), new Path(versionUri(version), "stages")}) {
      try {
        for (FileStatus s : fs.listStatus(dir)) {
          last = Math.max(last, s.getModificationTime());
        }
      } catch (FileNotFoundException e) {
        // no stage records yet
      }
    }
    return System.currentTimeMillis() - last;
  }

  /**
   * Deletes old versions: keeps the newest {@code keep} complete ones and the current one, and
   * removes incomplete directories older than the current version that have been idle for
   * {@value #ABANDONED_AFTER_KEY} (failed or killed runs; a younger one may be a concurrent run
   * still building).
   *
   * @return the versions deleted
   */
  public List<Integer> applyRetention(int keep) throws IOException {
    CatalogPointer current = current();
    List<Integer> all = versions();
    List<Integer> complete = new ArrayList<>();
    for (int v : all) {
      if (isComplete(v)) {
        complete.add(v);
      }
    }
    List<Integer> deleted = new ArrayList<>();
    for (int v : all) {
      boolean isCurrent = current != null && v == current.version();
      boolean recent = complete.contains(v) && complete.indexOf(v) >= complete.size() - keep;
      boolean abandoned = !complete.contains(v) && current != null && v < current.version() && idleMs(v) >= abandonedAfterMs;
      if (!isCurrent && (abandoned || (complete.contains(v) && !recent))) {
        fs.delete(new Path(versionUri(v)), true);
        deleted.add(v);
      }
    }
    if (!deleted.isEmpty()) {
      LOG.info("Retention (retain-versions={}): deleted versions {}", keep, deleted);
    }
    return deleted;
  }
}
