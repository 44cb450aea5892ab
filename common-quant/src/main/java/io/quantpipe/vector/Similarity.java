package io.quantpipe.vector;

import java.util.Locale;

/**
 * The vector similarity a corpus is searched with. Scores are always "higher is better":
 * {@link #EUCLIDEAN} scores the negated squared L2 distance, so one top-k routine serves every metric.
 *
 * <p>Persisted by {@link #id()}, never by {@code ordinal()}, so that reordering the constants cannot
 * change the meaning of a written artifact. {@link #cliName()} is the name users type
 * ({@code l2|ip|cosine}), the same names as {@code reference_ann.py --metric}.
 *
 * <p>{@link #COSINE} is served as inner product over unit vectors: quantizers and searchers
 * normalise vectors and queries on the way in (see {@link #prepare(float[])}).
 */
public enum Similarity {
  /** Squared Euclidean distance, scored as its negation. */
  EUCLIDEAN((byte) 0, "l2"),
  /** Inner product (maximum inner-product search). */
  DOT((byte) 1, "ip"),
  /** Cosine similarity, computed as the inner product of normalised vectors. */
  COSINE((byte) 2, "cosine");

  private final byte id;
  private final String cliName;

  Similarity(byte id, String cliName) {
    this.id = id;
    this.cliName = cliName;
  }

  /** The stable byte written into artifacts. */
  public byte id() {
    return id;
  }

  /** The command-line name: {@code l2}, {@code ip} or {@code cosine}. */
  public String cliName() {
    return cliName;
  }

  /** Returns the similarity with the given persisted id. */
  public static Similarity fromId(byte id) {
    for (Similarity s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown similarity id " + id + "; expected 0 (l2), 1 (ip) or 2 (cosine)");
  }

  /** Parses a command-line name ({@code l2}, {@code ip}, {@code cosine}; case-insensitive). */
  public static Similarity fromCliName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Similarity s : values()) {
      if (s.cliName.equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown metric '" + name + "'; expected one of l2, ip, cosine");
  }

  /**
   * The similarity actually computed on prepared vectors: cosine becomes inner product, because
   * {@link #prepare} has normalised both sides.
   */
  public Similarity kernel() {
    return this == COSINE ? DOT : this;
  }

  /**
   * Returns the vector to score with: a normalised copy for {@link #COSINE}, the argument itself
   * otherwise. A zero vector cannot be normalised and is rejected.
   */
  public float[] prepare(float[] v) {
    if (this != COSINE) {
      return v;
    }
    float[] copy = v.clone();
    VectorUtil.normalize(copy, 0, copy.length);
    return copy;
  }

  /** Scores two prepared vectors of equal length (higher is better). */
  public float score(float[] a, int aOff, float[] b, int bOff, int dim) {
    switch (this) {
      case EUCLIDEAN:
        return -VectorUtil.squareDistance(a, aOff, b, bOff, dim);
      case DOT:
      case COSINE:
        return VectorUtil.dot(a, aOff, b, bOff, dim);
      default:
        throw new AssertionError(this);
    }
  }
}
