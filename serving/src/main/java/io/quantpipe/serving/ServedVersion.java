package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.index.PartitionedIndex;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One published version, opened and ready to answer: its pointer, manifest, memory-mapped index
 * and default search parameters, plus a count of the queries running on it so that a version
 * replaced by a newer one is closed only once they finish (or the drain time runs out).
 *
 * <p>A query {@link #tryAcquire acquires} the version before it searches and {@link #release
 * releases} it after; {@link #retire} marks a replaced version, and whichever of the last release
 * and the retirement comes second runs {@code onClosed} once (the node deletes the version's cache
 * then). Thread-safe.
 */
final class ServedVersion {
  final CatalogPointer pointer;
  final JsonNode manifest;
  final PartitionedIndex index;
  final SearchDefaults defaults;
  final int centroids;
  final VersionCache.Fetched fetched;
  private final Supplier<JsonNode> statistics;
  private final Supplier<HeldOutQueries> heldOut;
  final Instant servingSince = Instant.now();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean retired;
  private volatile Runnable onClosed = () -> {};

  ServedVersion(CatalogPointer pointer, JsonNode manifest, PartitionedIndex index, SearchDefaults defaults,
      int centroids, VersionCache.Fetched fetched, Supplier<JsonNode> statistics, Supplier<HeldOutQueries> heldOut) {
    this.pointer = pointer;
    this.manifest = manifest;
    this.index = index;
    this.defaults = defaults;
    this.centroids = centroids;
    this.fetched = fetched;
    this.statistics = once(statistics);
    this.heldOut = once(heldOut);
  }

  int version() {
    return pointer.version();
  }

  /**
   * What {@code bin/quantpipe stats} prints for this version, as JSON (or {@code {"error": ...}}),
   * read on first use: it is informational, and reading it costs a start about half a second.
   */
  JsonNode statistics() {
    return statistics.get();
  }

  /** The held-out queries {@code POST /v1/benchmark} runs, read and checked on first use. */
  HeldOutQueries heldOut() {
    return heldOut.get();
  }

  private static <T> Supplier<T> once(Supplier<T> source) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = source.get();
        }
        return value;
      }
    };
  }

  /** Counts a query in; false when the version was retired meanwhile (take the current one instead). */
  boolean tryAcquire() {
    inFlight.incrementAndGet();
    if (retired) {
      release();
      return false;
    }
    return true;
  }

  void release() {
    if (inFlight.decrementAndGet() == 0 && retired) {
      close();
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Marks the version replaced: it closes when its last query releases it, or now if none runs. */
  void retire(Runnable onClosed) {
    this.onClosed = onClosed;
    retired = true;
    if (inFlight.get() == 0) {
      close();
    }
  }

  /** Closes the version whatever still runs on it (the drain time ran out). */
  void close() {
    if (closed.compareAndSet(false, true)) {
      onClosed.run();
    }
  }

  boolean isClosed() {
    return closed.get();
  }
}
