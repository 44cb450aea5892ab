package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.stream.EncodedRecord;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the stream job's output to the served version: one thread reads a {@link StreamSource}
 * (the output topic, or the Parquet output directory) from its beginning, keeps each id's latest
 * record in {@link StreamedChanges} and applies it to the served index at once: inserts into the
 * delta segment, deletes as tombstones.
 *
 * <p>Consistency across versions: {@link #switchTo} replays every id's latest record onto a new
 * version before it is swapped in, under the same lock the reader applies under, so no record
 * falls between the old version and the new. A restart reads the source from the beginning again,
 * which rebuilds the same per-id state: nothing is lost and, because applying replaces, nothing is
 * duplicated.
 *
 * <p>Readiness: the node is not ready until the source has caught up with what it held when the
 * reader started, so a restarted node never answers without the streamed changes. Later outages
 * only delay the stream; the lag and the problem are reported in {@code /v1/stats}, and a source
 * that fails is retried with back-off from {@code poll-ms} to {@code retry-max-ms}. Thread-safe.
 */
final class StreamFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);

  private final ServeOptions options;
  private final StreamSource source;
  private final Object lock = new Object();
  private final StreamedChanges changes = new StreamedChanges();
  private final Thread thread;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong inserts = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  /** Guarded by {@link #lock}. */
  private ServedVersion target;
  private volatile boolean caughtUp;
  private volatile String lastMalformed;
  private volatile long lastVisibilityMillis = -1;
  private volatile Instant lastApplied;
  private volatile boolean closed;

  StreamFollower(ServeOptions options, StreamSource source) {
    this.options = options;
    this.source = source;
    this.thread = new Thread(this::run, "stream-follower");
    thread.setDaemon(true);
  }

  /** The source {@code options} name: the Parquet directory when set, else the topic. */
  static StreamFollower of(ServeOptions options) {
    return new StreamFollower(options, options.streamParquet().isEmpty() ? new KafkaStreamSource(options)
        : new ParquetStreamSource(options));
  }

  void start() {
    thread.start();
  }

  /** Whether the reader has read everything the source held when the node started. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** What the stream is, for the node's start-up line. */
  String name() {
    return source.name();
  }

  /** Why the node is not ready yet on account of the stream. */
  String notReadyReason() {
    long behind = source.lag();
    String problem = source.problem();
    return "replaying " + source.name() + (behind >= 0 ? ": " + behind + " " + source.lagUnit() + " behind" : "")
        + (problem == null ? "" : " (" + problem + ")");
  }

  /**
   * Replays the stream's changes onto {@code next}, then runs {@code swap} (which makes it the served
   * version), with the reader paused between the two so that every record lands on one side.
   */
  void switchTo(ServedVersion next, Runnable swap) {
    synchronized (lock) {
      long start = System.nanoTime();
      changes.replayInto(next.index, next.version());
      LOG.info("Replayed {} streamed ids onto version {} in {} ms", changes.size(), next.version(),
          (System.nanoTime() - start) / 1_000_000);
      target = next;
      swap.run();
    }
  }

  private void run() {
    long backoff = 0;
    try {
      while (!closed) {
        try {
          apply(source.poll());
          backoff = 0;
        } catch (Exception e) {
          if (closed) {
            break;
          }
          backoff = Math.min(options.retryMaxMillis(), Math.max(options.pollMillis(), backoff * 2));
          LOG.warn("{}: {}; retrying in {} ms", source.name(), e.getMessage(), backoff);
          sleep(backoff);
        }
        if (!caughtUp && source.caughtUp()) {
          caughtUp = true;
          LOG.info("Caught up with {}: {} records, {} ids changed", source.name(), records.get(), changesSize());
        }
      }
    } finally {
      source.close();
    }
  }

  private void apply(StreamSource.Batch batch) {
    if (batch.records().isEmpty() && batch.malformed().isEmpty()) {
      return;
    }
    synchronized (lock) {
      for (String what : batch.malformed()) {
        records.incrementAndGet();
        long n = malformed.incrementAndGet();
        lastMalformed = what;
        if (n <= 10 || n % 1000 == 0) {
          LOG.warn("Skipped malformed stream record {} ({} so far)", what, n);
        }
      }
      for (EncodedRecord r : batch.records()) {
        records.incrementAndGet();
        (r.delete() ? deletes : inserts).incrementAndGet();
        if (changes.put(r, source.readsInOrder()) && target != null) {
          changes.apply(target.index, target.version(), r);
        }
        if (r.ingestTimestamp() > 0) {
          lastVisibilityMillis = System.currentTimeMillis() - r.ingestTimestamp();
        }
      }
      lastApplied = Instant.now();
    }
  }

  /** The stream's figures for {@code /v1/stats}. */
  void describe(ObjectNode out) {
    source.describe(out);
    out.put("caught_up", caughtUp).put("lag_" + source.lagUnit(), source.lag()).put("records_read", records.get())
        .put("inserts", inserts.get()).put("deletes", deletes.get()).put("ids_changed", changesSize())
        .put("malformed", malformed.get()).put("unplaceable", changes.unplaceable.get())
        .put("rejected", changes.rejected.get()).put("last_visibility_ms", lastVisibilityMillis);
    Instant at = lastApplied;
    out.put("last_applied_at", at == null ? null : at.toString());
    out.put("problem", source.problem()).put("last_malformed", lastMalformed).put("last_rejection", changes.lastRejection());
  }

  private int changesSize() {
    synchronized (lock) {
      return changes.size();
    }
  }

  long lag() {
    return source.lag();
  }

  /** What {@link #lag} counts: {@code records} (a topic) or {@code files} (a directory). */
  String lagUnit() {
    return source.lagUnit();
  }

  long records() {
    return records.get();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    source.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
