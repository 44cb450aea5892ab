package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;
import java.util.Arrays;

/**
 * The neighbour-selection heuristic of HNSW (Malkov &amp; Yashunin, algorithm 4; hnswlib's
 * {@code getNeighborsByHeuristic2}) over a candidate list held best first. A candidate is kept
 * only if it scores better against the base node than against every candidate kept before it,
 * which spreads links across directions instead of piling them into one cluster.
 *
 * <p>Pair scores come from scorers of the kept candidates (at most M per selection), not of every
 * candidate, because making a scorer can cost a lookup table. Scratch state; one per thread.
 */
final class NeighborSelector {
  private final ScorerSupplier scorers;
  private int[] nodes;
  private float[] scores;
  private long[] keys;
  private QueryScorer[] keptScorers;
  private int size;

  NeighborSelector(ScorerSupplier scorers, int capacity) {
    this.scorers = scorers;
    this.nodes = new int[capacity];
    this.scores = new float[capacity];
    this.keys = new long[capacity];
    this.keptScorers = new QueryScorer[capacity];
  }

  /** Takes every entry of a search's result queue (drained), best first. */
  void loadFromQueue(NodeQueue results) {
    ensureCapacity(results.size());
    size = results.size();
    for (int i = size - 1; i >= 0; i--) {
      long key = results.pop();
      nodes[i] = NodeQueue.node(key);
      scores[i] = NodeQueue.score(key);
    }
  }

  /** Replaces every score by {@code exact}'s and re-sorts best first (ties: lower node first). */
  void rescore(QueryScorer exact) {
    for (int i = 0; i < size; i++) {
      keys[i] = NodeQueue.key(nodes[i], exact.score(nodes[i]));
    }
    sortKeys();
  }

  /** Takes the current neighbours of {@code base} on {@code level} plus one newcomer, best first. */
  void loadFromList(OnHeapHnswGraph graph, int level, int base, float[] listScores, int scoreBase,
      int newcomer, float newcomerScore) {
    int count = graph.count(level, base);
    ensureCapacity(count + 1);
    graph.neighbors(level, base, nodes);
    for (int i = 0; i < count; i++) {
      keys[i] = NodeQueue.key(nodes[i], listScores[scoreBase + i]);
    }
    keys[count] = NodeQueue.key(newcomer, newcomerScore);
    size = count + 1;
    sortKeys();
  }

  /** Orders the first {@link #size} keys into {@link #nodes} and {@link #scores}, best first. */
  private void sortKeys() {
    Arrays.sort(keys, 0, size);
    for (int i = 0; i < size; i++) {
      long key = keys[size - 1 - i];
      nodes[i] = NodeQueue.node(key);
      scores[i] = NodeQueue.score(key);
    }
  }

  /** Keeps at most {@code max} candidates, chosen by the heuristic, in their best-first order. */
  void select(int max) {
    if (size < max) {
      return;
    }
    int kept = 0;
    for (int i = 0; i < size && kept < max; i++) {
      int candidate = nodes[i];
      float toBase = scores[i];
      boolean diverse = true;
      for (int j = 0; j < kept; j++) {
        if (keptScorers[j].score(candidate) > toBase) {
          diverse = false;
          break;
        }
      }
      if (diverse) {
        nodes[kept] = candidate;
        scores[kept] = toBase;
        keptScorers[kept] = scorers.scorer(candidate);
        kept++;
      }
    }
    Arrays.fill(keptScorers, 0, kept, null);
    size = kept;
  }

  int size() {
    return size;
  }

  int node(int i) {
    return nodes[i];
  }

  float score(int i) {
    return scores[i];
  }

  int[] nodes() {
    return nodes;
  }

  float[] scores() {
    return scores;
  }

  int bestNode() {
    return nodes[0];
  }

  float bestScore() {
    return scores[0];
  }

  private void ensureCapacity(int n) {
    if (nodes.length < n) {
      nodes = Arrays.copyOf(nodes, n);
      scores = Arrays.copyOf(scores, n);
      keys = Arrays.copyOf(keys, n);
      keptScorers = Arrays.copyOf(keptScorers, n);
    }
  }
}
