package io.quantpipe.hnsw;

/**
 * The read view of an HNSW graph, whether it lives on the heap ({@link OnHeapHnswGraph}) or in a
 * memory-mapped partition file ({@link HnswPartition}): levels, entry point and neighbour lists,
 * by node ordinal {@code [0, size())}. Nothing about vectors; scoring is the caller's.
 *
 * <p>Implementations are safe for concurrent reads once built.
 */
public interface HnswGraph {

  /** The number of nodes. */
  int size();

  /** The node searches start from: one of the nodes on the top level. */
  int entryPoint();

  /** The top level (0 when every node is on level 0 only). */
  int maxLevel();

  /** The highest level {@code node} is on. */
  int levelOf(int node);

  /** M: the neighbour capacity of the upper levels; level 0 holds {@code 2·m}. */
  int m();

  /**
   * Copies the neighbours of {@code node} on {@code level} into {@code dst} and returns how many
   * there are. {@code dst} must hold at least {@code 2·m()} ints.
   */
  int neighbors(int level, int node, int[] dst);
}
