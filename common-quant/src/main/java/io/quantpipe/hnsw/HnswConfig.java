package io.quantpipe.hnsw;

/**
 * The parameters of an HNSW graph build, as in Malkov &amp; Yashunin (2018).
 *
 * @param m neighbours kept per node on the upper levels; level 0 keeps {@code 2·m}
 * @param efConstruction size of the candidate list searched when a node is inserted
 * @param seed seed of the generator that draws each node's level; the same seed, data and one
 *     build thread give the same graph, byte for byte
 */
public record HnswConfig(int m, int efConstruction, long seed) implements java.io.Serializable {
  /** hnswlib's and FAISS's defaults for M and efConstruction. */
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCTION = 200;
  /** Levels are capped so that a pathological draw cannot make a tower of empty levels. */
  public static final int MAX_LEVEL = 31;

  public HnswConfig {
    if (m < 2 || m > 512) {
      throw new IllegalArgumentException("HNSW m must be in [2, 512]; m=" + m);
    }
    if (efConstruction < 1 || efConstruction > 100_000) {
      throw new IllegalArgumentException("HNSW efConstruction must be in [1, 100000]; efConstruction=" + efConstruction);
    }
  }

  /** Neighbours kept on level 0. */
  public int maxConnections0() {
    return 2 * m;
  }

  /** Neighbours kept on level {@code level}. */
  public int maxConnections(int level) {
    return level == 0 ? 2 * m : m;
  }

  /** The level normalisation 1/ln(m): the expected number of nodes shrinks by m per level. */
  public double levelMultiplier() {
    return 1 / Math.log(m);
  }
}
