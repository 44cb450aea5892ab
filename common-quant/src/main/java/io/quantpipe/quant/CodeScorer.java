package io.quantpipe.quant;

/**
 * Scores stored codes against one query, with everything that depends only on the query (scaled
 * query, lookup tables, constants) computed once when the scorer is made. Higher is better; for L2
 * the score is the negated estimated squared distance.
 *
 * <p>A scorer belongs to one query and one thread: make one per query (it is cheap).
 */
@FunctionalInterface
public interface CodeScorer {
  /** The score of the code that starts at {@code codes[offset]}. */
  float score(byte[] codes, int offset);
}
