package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;
import io.quantpipe.search.SearchResult;
import java.util.function.IntPredicate;

/**
 * Searches an {@link HnswGraph}: a greedy descent through the upper levels, then a best-first
 * search of level 0 that keeps the {@code ef} best nodes seen. An optional filter restricts the
 * results to accepted ordinals while the walk still passes through rejected ones, so that deleted
 * or filtered nodes do not cut the graph.
 *
 * <p>One searcher per thread: it owns its visited set and queues and reuses them across queries.
 */
public final class HnswSearcher {
  private int[] visited = new int[0];
  private int visitTag;
  private int[] neighbors = new int[0];
  /** The scores of {@link #neighbors}, filled by one batch call per expanded node. */
  private float[] scores = new float[0];
  private final NodeQueue candidates = new NodeQueue(64, true);
  private final NodeQueue results = new NodeQueue(64, false);
  private long visitedCount;

  /**
   * The {@code k} best accepted nodes for the query behind {@code scorer}, best first.
   *
   * @param ef the search breadth; raised to {@code k} when smaller
   * @param accept the ordinals that may be returned, or {@code null} for all
   */
  public SearchResult search(HnswGraph graph, QueryScorer scorer, int k, int ef, IntPredicate accept) {
    if (k <= 0 || ef <= 0) {
      throw new IllegalArgumentException("k and ef must be positive; k=" + k + ", ef=" + ef);
    }
    visitedCount = 0;
    if (graph.size() == 0) {
      return new SearchResult(new int[0], new float[0]);
    }
    int entry = graph.entryPoint();
    float entryScore = scorer.score(entry);
    visitedCount++;
    for (int level = graph.maxLevel(); level > 0; level--) {
      long best = greedy(graph, scorer, entry, entryScore, level);
      entry = NodeQueue.node(best);
      entryScore = NodeQueue.score(best);
    }
    searchLayer(graph, scorer, entry, entryScore, Math.max(ef, k), 0, accept);
    while (results.size() > k) {
      results.pop();
    }
    int n = results.size();
    int[] ids = new int[n];
    float[] scores = new float[n];
    for (int i = n - 1; i >= 0; i--) {
      long key = results.pop();
      ids[i] = NodeQueue.node(key);
      scores[i] = NodeQueue.score(key);
    }
    return new SearchResult(ids, scores);
  }

  /** How many nodes the last search scored. */
  public long visitedCount() {
    return visitedCount;
  }

  /** Moves to the best neighbour while one improves the score; returns the key of where it stops. */
  long greedy(HnswGraph graph, QueryScorer scorer, int entry, float entryScore, int level) {
    ensureCapacity(graph);
    int current = entry;
    float currentScore = entryScore;
    boolean improved = true;
    while (improved) {
      improved = false;
      int count = graph.neighbors(level, current, neighbors);
      scorer.scores(neighbors, count, scores);
      visitedCount += count;
      for (int i = 0; i < count; i++) {
        int node = neighbors[i];
        float score = scores[i];
        if (score > currentScore) {
          currentScore = score;
          current = node;
          improved = true;
        }
      }
    }
    return NodeQueue.key(current, currentScore);
  }

  /**
   * Best-first search of one level from one entry node; leaves up to {@code ef} accepted nodes in
   * {@link #results()}, worst on top.
   */
  void searchLayer(HnswGraph graph, QueryScorer scorer, int entry, float entryScore, int ef, int level,
      IntPredicate accept) {
    ensureCapacity(graph);
    if (++visitTag == 0) {
      java.util.Arrays.fill(visited, 0);
      visitTag = 1;
    }
    candidates.clear();
    results.clear();
    visited[entry] = visitTag;
    candidates.push(entry, entryScore);
    if (accept == null || accept.test(entry)) {
      results.push(entry, entryScore);
    }
    while (candidates.size() > 0) {
      float best = candidates.topScore();
      if (results.size() >= ef && best < results.topScore()) {
        break;
      }
      int current = NodeQueue.node(candidates.pop());
      int count = graph.neighbors(level, current, neighbors);
      // The unvisited neighbours first, then one batch call to score them: the same scores, in
      // the same order, as one call each, so the walk (and a build's graph) does not change.
      int fresh = 0;
      for (int i = 0; i < count; i++) {
        int node = neighbors[i];
        if (visited[node] != visitTag) {
          visited[node] = visitTag;
          neighbors[fresh++] = node;
        }
      }
      scorer.scores(neighbors, fresh, scores);
      visitedCount += fresh;
      for (int i = 0; i < fresh; i++) {
        int node = neighbors[i];
        float score = scores[i];
        if (results.size() < ef || score > results.topScore()) {
          candidates.push(node, score);
          if (accept == null || accept.test(node)) {
            if (results.size() < ef) {
              results.push(node, score);
            } else {
              results.replaceTop(node, score); // score > the top's: the top is what push-then-pop drops
            }
          }
        }
      }
    }
  }

  /** The result queue of the last {@link #searchLayer}, worst on top; drained by the caller. */
  NodeQueue results() {
    return results;
  }

  private void ensureCapacity(HnswGraph graph) {
    if (visited.length < graph.size()) {
      visited = new int[graph.size()];
      visitTag = 0;
    }
    if (neighbors.length < 2 * graph.m()) {
      neighbors = new int[2 * graph.m()];
      scores = new float[2 * graph.m()];
    }
  }
}
