package io.quantpipe.serving;

import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.storage.stream.StreamShardReader;
import io.quantpipe.stream.EncodedRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest streamed record of every id the node has read from the stream's output: the stream's
 * changes to the corpus, per id the latest winning. The output topic is keyed by id, so an id's
 * records arrive in one partition, in order, and "the last one read" is "the latest"; the Parquet
 * output's files come from parallel encoders, and the input's timestamp and offset decide.
 *
 * <p>This is what makes the stream survive a version switch: a newly served version gets every
 * change replayed onto it ({@link #replayInto}) before it takes queries, so an id inserted after
 * the build's input snapshot is still there and an id deleted is still gone. Applying a record is
 * idempotent (replace whatever the index holds for the id), so replaying onto a build that already
 * contains some of the changes is harmless.
 *
 * <p>Applying one record ({@link #apply}): delete the id wherever it lives (partition tombstone or
 * delta); for an insert, add the stream job's code when it was made with the served version's
 * codebooks, else encode the carried float32 vector with the served version's quantizer; keep the
 * float vector for rescoring either way. An insert with neither a matching code nor a vector cannot
 * be placed: it is counted and the id stays deleted rather than served with a foreign code.
 *
 * <p>Memory: one record per distinct streamed id, float vector included (4 bytes per dimension);
 * the delta it feeds holds a second copy until the next build folds the ids in. Not thread-safe:
 * {@link StreamFollower} guards it.
 */
final class StreamedChanges {
  /** What applying one record did. */
  enum Outcome { DELETED, INSERTED_CODE, REENCODED, UNPLACEABLE, REJECTED }

  private final Map<Long, EncodedRecord> latest = new HashMap<>();
  final AtomicLong unplaceable = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  private volatile String lastRejection;

  /**
   * Records {@code r} as its id's latest: at once when the source reads in the stream's order (a
   * topic keyed by id), else only when it supersedes the record held ({@link StreamShardReader#supersedes}).
   *
   * @return whether {@code r} is now its id's latest (and should be applied)
   */
  boolean put(EncodedRecord r, boolean readInOrder) {
    EncodedRecord held = latest.get(r.id());
    if (!readInOrder && held != null && !StreamShardReader.supersedes(r, held)) {
      return false;
    }
    latest.put(r.id(), r);
    return true;
  }

  int size() {
    return latest.size();
  }

  /** Replays every id's latest record onto {@code index} (a version about to be served). */
  void replayInto(PartitionedIndex index, int version) {
    for (EncodedRecord r : latest.values()) {
      apply(index, version, r);
    }
  }

  /** Applies one record to {@code index}, the served {@code version}. */
  Outcome apply(PartitionedIndex index, int version, EncodedRecord r) {
    try {
      index.delete(r.id());
      if (r.delete()) {
        return Outcome.DELETED;
      }
      int codeBytes = index.codeBytes();
      if (codeBytes > 0 && r.codebookVersion() == version && r.code().length == codeBytes) {
        index.insertCode(r.id(), r.code(), r.vector());
        return Outcome.INSERTED_CODE;
      }
      if (r.vector() != null) {
        index.insert(r.id(), r.vector());
        return Outcome.REENCODED;
      }
      unplaceable.incrementAndGet();
      return Outcome.UNPLACEABLE;
    } catch (IllegalArgumentException e) { // a vector this version cannot take (dimension, a zero vector under cosine)
      rejected.incrementAndGet();
      lastRejection = "id " + r.id() + " on version " + version + ": " + e.getMessage();
      return Outcome.REJECTED;
    }
  }

  /** The last record a version refused, with the reason, or {@code null}. */
  String lastRejection() {
    return lastRejection;
  }
}
