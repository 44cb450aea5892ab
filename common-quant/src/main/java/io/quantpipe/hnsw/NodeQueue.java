package io.quantpipe.hnsw;

import java.util.Arrays;

/**
 * A binary heap of (node, score) pairs packed into longs, as Lucene's {@code NeighborQueue} does:
 * the score's sortable bits on top, the complemented node below, so one {@code long} comparison
 * orders by score and then prefers the lower node. A min-queue keeps the worst on top (the result
 * list of a search); a max-queue keeps the best on top (the candidates to expand). Not thread-safe.
 */
final class NodeQueue {
  private final boolean maxOnTop;
  private long[] heap;
  private int size;

  NodeQueue(int capacity, boolean maxOnTop) {
    this.heap = new long[Math.max(capacity, 1)];
    this.maxOnTop = maxOnTop;
  }

  /** A key that is larger for better pairs: higher score, then lower node. */
  static long key(int node, float score) {
    int bits = Float.floatToIntBits(score);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | (~node & 0xFFFFFFFFL);
  }

  static int node(long key) {
    return ~(int) key;
  }

  static float score(long key) {
    int bits = (int) (key >> 32);
    bits ^= (bits >> 31) & 0x7fffffff;
    return Float.intBitsToFloat(bits);
  }

  void push(int node, float score) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    long k = key(node, score);
    heap[size] = maxOnTop ? ~k : k;
    siftUp(size++);
  }

  /**
   * Replaces the top by (node, score) in one sift-down: what {@link #push} then {@link #pop} leave
   * when the newcomer ranks above the top, at half the cost. Keys are distinct (the node is part
   * of the key), so the queue then holds exactly what push-then-pop would leave.
   */
  void replaceTop(int node, float score) {
    long k = key(node, score);
    heap[0] = maxOnTop ? ~k : k;
    siftDown(0);
  }

  /** Removes the top and returns its key. */
  long pop() {
    long top = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
    return maxOnTop ? ~top : top;
  }

  long topKey() {
    return maxOnTop ? ~heap[0] : heap[0];
  }

  int topNode() {
    return node(topKey());
  }

  float topScore() {
    return score(topKey());
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  private void siftUp(int i) {
    long value = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= value) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = value;
  }

  private void siftDown(int i) {
    long value = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= value) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
  }
}
