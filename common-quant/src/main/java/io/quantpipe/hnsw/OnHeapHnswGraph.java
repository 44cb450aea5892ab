package io.quantpipe.hnsw;

/**
 * An HNSW graph in heap arrays, as {@link HnswBuilder} makes it. Level 0 is one flat array of
 * fixed-width slots, {@code [count, n₀ … n₂ₘ₋₁]} per node, which is also how the partition file
 * lays it out; a node on upper levels has one {@code [count, n₀ … nₘ₋₁]} slot per level.
 *
 * <p>Mutated only by the builder, under its locks; read-only and thread-safe once returned.
 */
public final class OnHeapHnswGraph implements HnswGraph {
  private final int m;
  private final int slot0;
  private final byte[] levels;
  private final int[] level0;
  private final int[][] upper;
  private volatile int entryPoint;
  private volatile int maxLevel;

  OnHeapHnswGraph(int m, byte[] levels) {
    this.m = m;
    this.slot0 = 1 + 2 * m;
    this.levels = levels;
    this.level0 = new int[Math.multiplyExact(levels.length, slot0)];
    this.upper = new int[levels.length][];
    for (int node = 0; node < levels.length; node++) {
      if (levels[node] > 0) {
        upper[node] = new int[levels[node] * (1 + m)];
      }
    }
    this.entryPoint = 0;
    this.maxLevel = levels.length == 0 ? 0 : levels[0];
  }

  @Override
  public int size() {
    return levels.length;
  }

  @Override
  public int entryPoint() {
    return entryPoint;
  }

  @Override
  public int maxLevel() {
    return maxLevel;
  }

  void setEntryPoint(int node, int level) {
    this.maxLevel = level;
    this.entryPoint = node;
  }

  @Override
  public int levelOf(int node) {
    return levels[node];
  }

  @Override
  public int m() {
    return m;
  }

  @Override
  public int neighbors(int level, int node, int[] dst) {
    int[] array = level == 0 ? level0 : upper[node];
    int base = slotStart(level, node);
    int count = array[base];
    System.arraycopy(array, base + 1, dst, 0, count);
    return count;
  }

  /** Replaces the neighbour list of {@code node} on {@code level}. */
  void setNeighbors(int level, int node, int[] src, int count) {
    int[] array = level == 0 ? level0 : upper[node];
    int base = slotStart(level, node);
    array[base] = count;
    System.arraycopy(src, 0, array, base + 1, count);
  }

  /** Appends one neighbour; the caller has checked that the list has room. */
  void addNeighbor(int level, int node, int neighbor) {
    int[] array = level == 0 ? level0 : upper[node];
    int base = slotStart(level, node);
    array[base + 1 + array[base]++] = neighbor;
  }

  int count(int level, int node) {
    return (level == 0 ? level0 : upper[node])[slotStart(level, node)];
  }

  private int slotStart(int level, int node) {
    return level == 0 ? node * slot0 : (level - 1) * (1 + m);
  }

  /** Total upper-level slots, one per (node, level ≥ 1): the size of that section on disk. */
  long upperSlots() {
    long slots = 0;
    for (byte level : levels) {
      slots += level;
    }
    return slots;
  }
}
