package io.quantpipe.index;

import io.quantpipe.search.SearchResult;
import io.quantpipe.search.TopK;

/**
 * Keeps the {@code k} best (global id, score) pairs from several sources (partitions, the delta),
 * by lending each pair a local slot in a {@link TopK}. Not thread-safe; one per query.
 */
final class HitCollector {
  private final TopK top;
  private long[] ids;
  private int next;

  HitCollector(int k) {
    this.top = new TopK(k);
    this.ids = new long[Math.max(16, k)];
  }

  void offer(long id, float score) {
    if (score < top.threshold()) {
      return;
    }
    if (next == ids.length) {
      ids = java.util.Arrays.copyOf(ids, next * 2);
    }
    ids[next] = id;
    top.offer(next++, score);
  }

  IndexHits drain() {
    SearchResult r = top.drain();
    long[] out = new long[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids[r.ids()[i]];
    }
    return new IndexHits(out, r.scores());
  }
}
