package io.quantpipe.index;

/**
 * The answer of a {@link PartitionedIndex} to one query: global ids and their scores, best first
 * (higher is better; for L2 the negated squared distance).
 */
public record IndexHits(long[] ids, float[] scores) {
  public int size() {
    return ids.length;
  }
}
