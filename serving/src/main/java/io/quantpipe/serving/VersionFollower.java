package io.quantpipe.serving;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.storage.StorageCheck;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node on the version the index root's {@code _CURRENT} pointer names. One thread polls
 * the pointer every {@code poll-ms}; when it names another version (a publish, a migration or a
 * rollback) that version is prepared beside the served one ({@link VersionLoader}: fetched,
 * checked, mapped, warmed up) and then swapped in with one atomic reference write: a query that
 * has acquired the old version finishes on it, every later one gets the new, and the old version
 * is closed and its cache deleted once its last query releases it (or after {@code drain-ms}).
 *
 * <p>A version that fails a check is refused: logged, counted, remembered so it is not fetched
 * again, and the served version stays. Storage that cannot be read (unreachable, credentials
 * rejected, a missing bucket, nothing published yet) is retried with back-off, doubling from
 * {@code poll-ms} to {@code retry-max-ms}; until a first version is served, the reason is the
 * node's readiness reason. Thread-safe: {@link #acquire} is called by HTTP threads.
 */
final class VersionFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionFollower.class);
  private static final int HISTORY = 50;

  /** A version this node served, and until when ({@code null}: still served). */
  record Served(int version, Instant since, Instant until) {}

  /** A version refused, and why. */
  record Refusal(int version, Instant at, String reason) {}

  private final ServeOptions options;
  /** The root, opened by the first poll that can and kept (follower thread only). */
  private BlobStore root;
  private final VersionCache cache;
  private final VersionLoader loader;
  private final NodeMetrics metrics;
  /** The stream applied to every served version, or {@code null}. */
  private final StreamFollower stream;
  private final AtomicReference<ServedVersion> current = new AtomicReference<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "version-follower");
    t.setDaemon(true);
    return t;
  });
  private final Set<CatalogPointer> refusedPointers = new HashSet<>();
  private final Deque<Refusal> refusals = new ArrayDeque<>();
  private final Deque<Served> history = new ArrayDeque<>();
  private volatile String notReadyReason;
  private volatile String lastPollError;
  private volatile Instant readyAt;
  /** Set when a served version's cached file failed its scrub: prepare that version again. */
  private volatile boolean reloadCurrent;
  private long backoffMillis;

  /** @param stream the stream to replay onto each version before it is served, or {@code null} */
  VersionFollower(ServeOptions options, VersionCache cache, NodeMetrics metrics, StreamFollower stream) {
    this.stream = stream;
    this.options = options;
    this.cache = cache;
    this.loader = new VersionLoader(options, cache);
    this.metrics = metrics;
    this.notReadyReason = "starting: reading " + options.index();
  }

  /** Starts polling now, then every {@code poll-ms}. */
  void start() {
    thread.execute(this::pollAndReschedule);
  }

  private void pollAndReschedule() {
    long delay;
    try {
      delay = poll();
    } catch (RuntimeException | Error e) { // never let the follower thread die silently
      LOG.error("Version follower failed; retrying", e);
      delay = failed("unexpected " + e);
    }
    if (!thread.isShutdown()) {
      thread.schedule(this::pollAndReschedule, delay, TimeUnit.MILLISECONDS);
    }
  }

  /** One look at the pointer; returns the milliseconds until the next. */
  long poll() {
    CatalogPointer pointer;
    try {
      if (root == null) {
        root = options.indexRoot().open();
      }
      byte[] bytes = root.read(CatalogPointer.FILE);
      pointer = bytes == null ? null : CatalogPointer.parse(bytes, root.describe(CatalogPointer.FILE));
    } catch (IOException | RuntimeException e) {
      return failed("cannot read " + options.index() + "/" + CatalogPointer.FILE + ": " + explain(e));
    }
    if (pointer == null) {
      String bucket = missingBucket();
      return failed(bucket != null ? bucket : "nothing is published under " + options.index() + " yet (no "
          + CatalogPointer.FILE + ")");
    }
    ServedVersion served = current.get();
    boolean reload = reloadCurrent && served != null && served.pointer.equals(pointer);
    if ((served != null && served.pointer.equals(pointer) && !reload) || isRefused(pointer)) {
      return succeeded();
    }
    reloadCurrent = false;
    ServedVersion next;
    try {
      next = loader.load(pointer, root, served != null, served == null ? BackgroundShare.unlimited()
          : new BackgroundShare(options.prepareShare()));
    } catch (CorruptArtifactException | FileNotFoundException | IllegalArgumentException | IllegalStateException e) {
      refuse(pointer, e);
      return succeeded();
    } catch (IOException | RuntimeException e) {
      return failed("cannot fetch version " + pointer.version() + ": " + explain(e));
    }
    swap(next);
    return succeeded();
  }

  private void swap(ServedVersion next) {
    if (stream == null) {
      swapIn(next);
    } else {
      stream.switchTo(next, () -> swapIn(next));
    }
  }

  private void swapIn(ServedVersion next) {
    ServedVersion old = current.getAndSet(next);
    synchronized (history) {
      if (old != null && !history.isEmpty()) {
        Served last = history.removeLast();
        history.addLast(new Served(last.version(), last.since(), next.servingSince));
      }
      history.addLast(new Served(next.version(), next.servingSince, null));
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    if (!next.fetched.trusted().isEmpty()) {
      thread.execute(() -> scrub(next));
    }
    if (old == null) {
      readyAt = Instant.now();
      notReadyReason = null;
      LOG.info("Ready: serving version {} of {}", next.version(), options.index());
      removeStaleCache(next.version());
    } else {
      metrics.switched();
      LOG.info("Switched from version {} to {}; {} queries still running on {}", old.version(), next.version(),
          old.inFlight(), old.version());
      int oldVersion = old.version();
      old.retire(() -> removeCache(oldVersion, next.version()));
      thread.schedule(old::close, options.drainMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Reads again the cached files {@code served} was opened from on their record alone (after it
   * is serving: that is what keeps a warm start fast). A file that fails is deleted and the
   * version prepared again at the next poll, from a fresh copy.
   */
  private void scrub(ServedVersion served) {
    long start = System.nanoTime();
    try {
      List<String> failed = cache.scrub(served.fetched, new BackgroundShare(options.prepareShare()));
      if (failed.isEmpty()) {
        LOG.info("Cache of version {} checked again: {} files intact ({} ms)", served.version(),
            served.fetched.trusted().size(), (System.nanoTime() - start) / 1_000_000);
        return;
      }
      metrics.scrubFailed(failed.size());
      LOG.error("Cached files of version {} failed their check when read again: {}; fetching them again",
          served.version(), failed);
      reloadCurrent = true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot check the cache of version {} again: {}", served.version(), e.toString());
    }
  }

  private void removeCache(int version, int servedNow) {
    if (version != servedNow) {
      try {
        cache.remove(version);
      } catch (IOException e) {
        LOG.warn("Cannot delete the cache of version {}: {}", version, e.toString());
      }
    }
  }

  private void removeStaleCache(int keep) {
    try {
      cache.removeAllBut(keep);
    } catch (IOException e) {
      LOG.warn("Cannot delete stale cached versions: {}", e.toString());
    }
  }

  private void refuse(CatalogPointer pointer, Exception e) {
    String reason = StorageCheck.firstLine(e);
    synchronized (refusals) {
      refusedPointers.add(pointer);
      refusals.addLast(new Refusal(pointer.version(), Instant.now(), reason));
      while (refusals.size() > HISTORY) {
        refusals.removeFirst();
      }
    }
    metrics.refused();
    ServedVersion served = current.get();
    LOG.error("Refused version {}: {}; {}", pointer.version(), reason,
        served == null ? "nothing is served yet" : "still serving version " + served.version());
    if (served == null) {
      notReadyReason = "version " + pointer.version() + " was refused: " + reason;
    }
  }

  private boolean isRefused(CatalogPointer pointer) {
    synchronized (refusals) {
      return refusedPointers.contains(pointer);
    }
  }

  private long succeeded() {
    if (lastPollError != null) {
      LOG.info("Storage readable again: {}", options.index());
    }
    lastPollError = null;
    backoffMillis = 0;
    return options.pollMillis();
  }

  private long failed(String reason) {
    if (!reason.equals(lastPollError)) {
      LOG.warn("{}; retrying{}", reason, current.get() == null ? "" : " (still serving version " + current.get().version() + ")");
    }
    lastPollError = reason;
    if (current.get() == null) {
      notReadyReason = reason;
    }
    backoffMillis = Math.min(options.retryMaxMillis(), Math.max(options.pollMillis(), backoffMillis * 2));
    return backoffMillis;
  }

  /**
   * On S3 a missing bucket reads like a missing pointer (both are "not found"): probe the bucket's
   * root with a LIST, which fails when the bucket is missing. {@code null} when the bucket is there (or the root
   * is not on S3).
   */
  private String missingBucket() {
    java.net.URI uri = new org.apache.hadoop.fs.Path(options.index()).toUri();
    if (!"s3a".equals(uri.getScheme())) {
      return null;
    }
    org.apache.hadoop.fs.Path bucket = new org.apache.hadoop.fs.Path("s3a://" + uri.getAuthority() + "/");
    try {
      bucket.getFileSystem(options.hadoopConfiguration()).listStatusIterator(bucket).hasNext(); // a LIST: S3A answers a root status without asking
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot read " + options.index() + ": the bucket does not exist; " + StorageCheck.firstLine(e);
    }
  }

  private static String explain(Throwable e) {
    String what = StorageCheck.diagnose(e);
    return (what == null ? "" : what + "; ") + StorageCheck.firstLine(e);
  }

  /**
   * The served version, counted in; release it when the query is answered.
   *
   * @throws NotReadyException when no version is served yet, with the reason
   */
  ServedVersion acquire() {
    while (true) {
      ServedVersion v = current.get();
      if (v == null) {
        throw new NotReadyException(notReadyReason);
      }
      if (stream != null && !stream.caughtUp()) {
        throw new NotReadyException(stream.notReadyReason());
      }
      if (v.tryAcquire()) {
        return v;
      }
    }
  }

  /** The served version, not counted in (for status pages), or {@code null}. */
  ServedVersion current() {
    return current.get();
  }

  /** Whether queries are answered: a version is served and the stream, if any, has caught up. */
  boolean ready() {
    return current.get() != null && (stream == null || stream.caughtUp());
  }

  /** Why the node is not ready, or {@code null} when it is. */
  String notReadyReason() {
    if (current.get() == null) {
      return notReadyReason;
    }
    return stream != null && !stream.caughtUp() ? stream.notReadyReason() : null;
  }

  /** The last poll's failure while a version is served (a warning, not unreadiness), or {@code null}. */
  String lastPollError() {
    return lastPollError;
  }

  Instant readyAt() {
    return readyAt;
  }

  List<Served> history() {
    synchronized (history) {
      return new ArrayList<>(history);
    }
  }

  List<Refusal> refusals() {
    synchronized (refusals) {
      return new ArrayList<>(refusals);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (thread.awaitTermination(5, TimeUnit.SECONDS) && root != null) {
        root.close();
      }
    } catch (IOException e) {
      LOG.warn("Cannot close {}: {}", options.index(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
