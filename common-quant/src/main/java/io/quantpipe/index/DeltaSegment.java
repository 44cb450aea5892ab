package io.quantpipe.index;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The in-memory segment that takes streamed inserts between batch builds: codes made by the same
 * quantizer as the partitions (the Flink job's output), and the float vector when the stream
 * carries it, for rescoring. Searched by a flat scan, which is fast at the size a delta reaches
 * before the next build folds it into the graphs.
 *
 * <p>Not thread-safe: {@link PartitionedIndex} guards it.
 */
final class DeltaSegment {
  private final Quantizer quantizer;
  private final Similarity similarity;
  private final int dim;
  private final int codeBytes;
  private long[] ids = new long[64];
  private byte[] codes;
  private float[] floats;
  private final BitSet hasFloat = new BitSet();
  private final BitSet dead = new BitSet();
  private final Map<Long, Integer> slots = new HashMap<>();
  private int size;

  /** @param quantizer the index's quantizer, or {@code null} for a float32 index */
  DeltaSegment(Quantizer quantizer, Similarity similarity, int dim) {
    this.quantizer = quantizer;
    this.similarity = similarity;
    this.dim = dim;
    this.codeBytes = quantizer == null ? 0 : quantizer.codeBytes();
    this.codes = new byte[64 * codeBytes];
    this.floats = new float[64 * dim];
  }

  boolean contains(long id) {
    return slots.containsKey(id);
  }

  /** Live entries. */
  int liveCount() {
    return slots.size();
  }

  /** Appends one entry; {@code code} may be null for a float32 index, {@code vector} may be null otherwise. */
  void add(long id, byte[] code, float[] vector) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
      codes = Arrays.copyOf(codes, size * 2 * codeBytes);
      floats = Arrays.copyOf(floats, size * 2 * dim);
    }
    ids[size] = id;
    if (code != null) {
      System.arraycopy(code, 0, codes, size * codeBytes, codeBytes);
    }
    if (vector != null) {
      float[] prepared = similarity.prepare(vector);
      System.arraycopy(prepared, 0, floats, size * dim, dim);
      hasFloat.set(size);
    }
    slots.put(id, size);
    size++;
  }

  /** Removes a live entry; returns whether it was there. */
  boolean remove(long id) {
    Integer slot = slots.remove(id);
    if (slot == null) {
      return false;
    }
    dead.set(slot);
    return true;
  }

  /**
   * Offers every live entry to {@code top}: scored exactly when its float vector is known, by the
   * quantizer's estimate otherwise. {@code filter} (nullable) limits the ids offered.
   */
  void search(float[] query, java.util.function.LongPredicate filter, HitCollector top) {
    float[] q = similarity.prepare(query);
    Similarity kernel = similarity.kernel();
    CodeScorer estimate = quantizer == null ? null : quantizer.scorer(query);
    for (int slot = 0; slot < size; slot++) {
      if (dead.get(slot) || (filter != null && !filter.test(ids[slot]))) {
        continue;
      }
      float score = hasFloat.get(slot)
          ? kernel.score(q, 0, floats, slot * dim, dim)
          : estimate.score(codes, slot * codeBytes);
      top.offer(ids[slot], score);
    }
  }
}
