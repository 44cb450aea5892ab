package io.quantpipe.search;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One query's best candidates in an exact k-NN scan ({@link ExactKnn}): up to {@code capacity}
 * (id, fast score, exact score) triples kept sorted by the fast score, higher first, ties to the
 * lower id. The fast score decides who stays; the exact score, computed once per admitted
 * candidate, decides the final order ({@link #ids}). Lists built over different parts of a corpus
 * merge into the list of the whole ({@link #merge}), whatever the split, so a Spark job's answer
 * does not depend on its partitioning.
 *
 * <p>Not thread-safe; serializable, so Spark can reduce lists across tasks.
 */
public final class NeighbourList implements Serializable {
  private static final long serialVersionUID = 1L;
  private final float[] fast;
  private final float[] exact;
  private final long[] ids;
  private int size;

  public NeighbourList(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("A neighbour list needs a positive capacity; got " + capacity);
    }
    fast = new float[capacity];
    exact = new float[capacity];
    ids = new long[capacity];
  }

  /** Whether a candidate with this fast score and id would be admitted. */
  public boolean admits(float fastScore, long id) {
    return size < fast.length || better(fastScore, id, fast[size - 1], ids[size - 1]);
  }

  /** Admits the candidate if it beats the worst kept one (or the list is not full). */
  public void offer(float fastScore, float exactScore, long id) {
    if (!admits(fastScore, id)) {
      return;
    }
    int i = Math.min(size, fast.length - 1);
    while (i > 0 && better(fastScore, id, fast[i - 1], ids[i - 1])) {
      fast[i] = fast[i - 1];
      exact[i] = exact[i - 1];
      ids[i] = ids[i - 1];
      i--;
    }
    fast[i] = fastScore;
    exact[i] = exactScore;
    ids[i] = id;
    size = Math.min(size + 1, fast.length);
  }

  /** Offers every candidate of {@code other}, a list over another part of the corpus. */
  public void merge(NeighbourList other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.fast[i], other.exact[i], other.ids[i]);
    }
  }

  public int size() {
    return size;
  }

  /** The {@code k} best ids by exact score, best first, ties to the lower id. */
  public long[] ids(int k) {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> better(exact[a], ids[a], exact[b], ids[b]) ? -1 : a.equals(b) ? 0 : 1);
    long[] out = new long[Math.min(k, size)];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids[order[i]];
    }
    return out;
  }

  private static boolean better(float s, long id, float s2, long id2) {
    return s > s2 || (s == s2 && id < id2);
  }
}
