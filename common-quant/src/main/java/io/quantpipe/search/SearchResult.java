package io.quantpipe.search;

/**
 * The answer to one query: ordinals and their scores, best first (higher score is better; for L2
 * the score is the negated squared distance).
 *
 * @param ids ordinals of the vectors found
 * @param scores their scores, aligned with {@code ids}
 */
public record SearchResult(int[] ids, float[] scores) {
  public int size() {
    return ids.length;
  }
}
