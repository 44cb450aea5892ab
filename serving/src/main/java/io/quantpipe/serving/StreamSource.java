package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.stream.EncodedRecord;
import java.util.List;

/**
 * Where a node's streamed changes come from: the stream job's output topic
 * ({@link KafkaStreamSource}) or its Parquet output directory ({@link ParquetStreamSource}). A
 * source reads everything from the beginning each time the node starts (a node keeps no offsets:
 * its state is the stream's), and {@link StreamFollower} applies what it reads. Used by the
 * follower's one thread, {@link #close} included, except {@link #describe}, the getters and
 * {@link #wakeup}, which any thread may call.
 */
interface StreamSource extends AutoCloseable {
  /**
   * What one {@link #poll} read.
   *
   * @param records the records, parsed, in the order they were read
   * @param malformed what could not be read, one line each ({@code where: why}), skipped
   */
  record Batch(List<EncodedRecord> records, List<String> malformed) {
    static final Batch EMPTY = new Batch(List.of(), List.of());
  }

  /**
   * Reads what is new, waiting at most about one poll interval when there is nothing.
   *
   * @throws Exception when the source cannot be read now: the follower reports it and retries with back-off
   */
  Batch poll() throws Exception;

  /**
   * Whether the order records are read in is the stream's order per id (a topic keyed by id),
   * so the last one read wins; otherwise the later by input timestamp and offset wins.
   */
  boolean readsInOrder();

  /** Whether everything there was when the node started has been read. */
  boolean caughtUp();

  /** How far behind the reader is, in {@link #lagUnit}s; -1 when unknown. */
  long lag();

  /** What {@link #lag} counts: {@code records} or {@code files}. */
  String lagUnit();

  /** Why the source cannot be read now, or {@code null}. */
  String problem();

  /** The source, for messages: {@code stream topic T from B}. */
  String name();

  /** The source's own figures for {@code /v1/stats}. */
  void describe(ObjectNode out);

  /** Ends a {@link #poll} in progress, and makes later ones return at once: the node is stopping. */
  void wakeup();

  /** Releases what the source holds (its consumer); the follower's thread calls it as it ends. */
  @Override
  void close();
}
