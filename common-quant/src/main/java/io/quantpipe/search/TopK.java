package io.quantpipe.search;

/**
 * Keeps the {@code k} best (highest-scoring) of a stream of (ordinal, score) pairs in a binary
 * min-heap, so each offer costs O(1) when rejected and O(log k) when accepted. On equal scores the
 * lower ordinal ranks first, so results are deterministic. Not thread-safe.
 */
public final class TopK {
  private final int k;
  private final int[] ids;
  private final float[] scores;
  private int size;

  public TopK(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive; k=" + k);
    }
    this.k = k;
    this.ids = new int[k];
    this.scores = new float[k];
  }

  /** Whether (id, score) would rank below the current worst of a full heap. */
  private static boolean worse(int idA, float scoreA, int idB, float scoreB) {
    return scoreA < scoreB || (scoreA == scoreB && idA > idB);
  }

  /** Offers a candidate; ids must be offered at most once. */
  public void offer(int id, float score) {
    if (size < k) {
      ids[size] = id;
      scores[size] = score;
      siftUp(size++);
    } else if (worse(ids[0], scores[0], id, score)) {
      ids[0] = id;
      scores[0] = score;
      siftDown(0);
    }
  }

  /** The lowest score kept, or −∞ while fewer than k are held. */
  public float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : scores[0];
  }

  public int size() {
    return size;
  }

  /** The kept candidates, best first. Leaves this heap empty. */
  public SearchResult drain() {
    int n = size;
    int[] outIds = new int[n];
    float[] outScores = new float[n];
    for (int i = n - 1; i >= 0; i--) {
      outIds[i] = ids[0];
      outScores[i] = scores[0];
      size--;
      ids[0] = ids[size];
      scores[0] = scores[size];
      siftDown(0);
    }
    return new SearchResult(outIds, outScores);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >> 1;
      if (!worse(ids[i], scores[i], ids[parent], scores[parent])) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int r = l + 1;
      int worst = (r < size && worse(ids[r], scores[r], ids[l], scores[l])) ? r : l;
      if (!worse(ids[worst], scores[worst], ids[i], scores[i])) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    int id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
  }
}
