package io.quantpipe.vector;

/**
 * The distance kernels, one implementation per instruction set: {@link ScalarVectorOps} in plain
 * Java and {@link PanamaVectorOps} on the Vector API. Callers go through the {@link VectorUtil}
 * facade, which checks arguments once; implementations assume valid offsets and lengths and must be
 * stateless and thread-safe.
 *
 * <p><b>Every implementation returns bit-identical results.</b> Float addition is not associative,
 * so the order of the additions is part of this contract, and a SIMD kernel is only correct if it
 * adds in exactly that order. The sums ({@link #dot}, {@link #squareDistance},
 * {@link #dotUnsignedBytes}, {@link #dotNibbles}) add their terms {@code p_0 … p_{n−1}} in
 * <em>lane order</em>:
 * <ol>
 *   <li>32 partial sums {@code P[t]}: term {@code i < n − n mod 32} goes to {@code P[i mod 32]};
 *   <li>then each term {@code i} below {@code n − n mod 8} goes to {@code P[i mod 8]};
 *   <li>{@code v[l] = (P[l] + P[8+l]) + (P[16+l] + P[24+l])} for {@code l < 8}, and
 *       {@code r = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7))};
 *   <li>the remaining terms are added to {@code r} one by one.
 * </ol>
 * Each term is rounded to float before it is added (no fused multiply-add). That is four 8-lane
 * accumulators in SIMD, and it makes the same vector encode to the same code whichever
 * implementation a JVM runs (normalisation and rotation use {@link #dot}), so Spark executors,
 * Flink task managers and a serving node started without the Vector API agree bit for bit.
 *
 * <p>Codes are unsigned: a {@code byte} holds a value in {@code [0, 255]}.
 */
public interface VectorOps {

  /** A short name for reports: {@code "scalar"} or {@code "panama-256"}. */
  String name();

  /** Σ a[i]·b[i], in lane order. */
  float dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** Σ (a[i] − b[i])², in lane order. */
  float squareDistance(float[] a, int aOff, float[] b, int bOff, int len);

  /** Σ q[i]·code[i] over {@code len} unsigned 8-bit codes, in lane order. */
  float dotUnsignedBytes(float[] q, byte[] codes, int off, int len);

  /**
   * Σ a[i]·b[i] over {@code len} unsigned 8-bit codes, in integers (exact, so every implementation
   * agrees whatever its order): code against code, as a graph build over int8 codes scores them.
   */
  int dotBytes(byte[] a, int aOff, byte[] b, int bOff, int len);

  /**
   * {@link #dotBytes} of the query code {@code q[qOff, qOff + len)} against {@code count} codes of
   * one row-major array, code {@code ords[j]} at {@code codes[ords[j]·len]}, into {@code out[j]}
   * (see {@link #dotSevenBits}).
   */
  void dotBytes(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out);

  /**
   * {@link #dotBytes} of 7-bit codes (every value in {@code [0, 127]}), exact: the product of two
   * codes fits 14 bits and four products fit 16, so a SIMD kernel multiplies and adds in 16-bit
   * lanes and widens to int once per four products (Lucene's int7 build codes). For a byte above
   * 127 the result is unspecified.
   */
  int dotSevenBit(byte[] a, int aOff, byte[] b, int bOff, int len);

  /**
   * {@link #dotSevenBit} of the query code {@code q[qOff, qOff + len)} against {@code count} codes
   * of one row-major array, code {@code ords[j]} at {@code codes[ords[j]·len]}, into
   * {@code out[j]}: one call per neighbour list, and a SIMD kernel loads each query chunk once for
   * several codes, whose cache misses then overlap.
   */
  void dotSevenBits(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out);

  /**
   * Σ q[i]·code[i] over {@code len} 4-bit codes packed two per byte (dimension {@code i} in byte
   * {@code i/2}, low nibble first), with the query in <em>nibble-split</em> layout
   * ({@link VectorUtil#splitNibbleQuery}): within each full block of 16 dimensions, the 8 even
   * dimensions first, then the 8 odd ones; the last {@code len mod 16} dimensions as they are.
   * The terms are added in lane order in that split order, then the tail dimensions.
   */
  float dotNibbles(float[] qSplit, byte[] codes, int off, int len);

  /**
   * Σ q[i]·code[i] over {@code len} codes of {@code bits} ∈ {2, 4} bits packed little-end first
   * into bytes (dimension i sits in byte {@code i·bits/8} at bit {@code (i·bits) % 8}), added in
   * the order of the plain loop. The reference for {@link #dotNibbles} and the 2-bit kernel.
   */
  float dotPacked(float[] q, byte[] codes, int off, int len, int bits);

  /**
   * Σ table[j·256 + code[j]] over {@code m} unsigned byte codes: the asymmetric-distance scan of
   * product quantization, also used for binary codes against a per-byte lookup table. Added into
   * two partial sums {@code S[j mod 2]}, returned as {@code S0 + S1}.
   */
  float lookupSum(float[] table, byte[] codes, int off, int m);

  /**
   * {@link #lookupSum} of {@code count} consecutive codes of {@code m} bytes from {@code off}, into
   * {@code out[0, count)}: the same value per code, several codes per step.
   */
  void lookupSums(float[] table, byte[] codes, int off, int m, int count, float[] out);

  /**
   * The 4-bit PQ fast scan: for {@code blocks} blocks of 32 codes in the fast-scan layout (block
   * {@code b} is {@code 16·m} bytes from {@code off + 16·m·b}; subspace {@code j}'s 16 bytes at
   * {@code 16·j} hold, in byte {@code 2i}, vector {@code i} in the low nibble and vector
   * {@code 16+i} in the high one, and in byte {@code 2i+1} vectors {@code 8+i} and {@code 24+i}, for
   * {@code i < 8}), {@code out[32·b + v] = Σ_j lut[16·j + code_j(v)]} with {@code lut} holding
   * {@code m × 16} unsigned bytes. Integer sums, so every implementation agrees exactly; the caller
   * keeps every sum below 65536 (SIMD implementations add in 16-bit lanes).
   */
  void fastScan(byte[] lut, byte[] codes, int off, int m, int blocks, int[] out);

  /** Hamming distance between {@code words} 64-bit words of a query and a code read from bytes. */
  int hamming(long[] query, byte[] codes, int off, int words);

  /**
   * {@link #hamming} of {@code count} consecutive codes of {@code 8·words} bytes from {@code off},
   * into {@code out[0, count)}.
   */
  void hammings(long[] query, byte[] codes, int off, int words, int count, int[] out);

  /**
   * The {@link #squareDistance} ({@code l2}) or {@link #dot} of {@code query[qOff, qOff+len)}
   * against each of {@code k} points held transposed ({@code columns[t·k + c]} is coordinate
   * {@code t} of point {@code c}), into {@code out[outOff + c]}: bit for bit what {@code k} calls on
   * the untransposed points return, eight points per step. It builds a PQ query's lookup table, one
   * subspace per call.
   *
   * @param k a multiple of 8
   */
  void transposedScores(float[] query, int qOff, int len, float[] columns, int k, boolean l2, float[] out,
                        int outOff);

  /**
   * The k-means assignment step over a block of points: for each point
   * {@code x = points[base + i·stride, +dim)}, the index of the centroid with the smallest
   * {@code s[c] = norms[c] + Σ_j (−2·x_j)·columns[j·k + c]} (added in {@code j} order, so the
   * squared distance is {@code ‖x‖² + s[c]}), lower index on ties, into {@code assignment[i]}, and
   * that {@code s} into {@code score[i]}.
   *
   * @param columns centroids transposed, {@code dim × k}, {@code k} a multiple of 8 (pad with zero
   *     columns whose norm is {@code +∞})
   */
  void nearestCentroids(float[] points, int base, int stride, int count, float[] columns, float[] norms,
                        int dim, int k, int[] assignment, float[] score);

  /**
   * The inner products of a block of points with {@code k} points held as columns: for each point
   * {@code x = points[base + i·stride, +dim)}, {@code out[i·k + c] = Σ_j x_j·columns[j·k + c]}
   * (each term rounded to float, added in {@code j} order from 0): exact k-NN with the queries as
   * columns.
   *
   * @param columns {@code dim × k}, {@code k} a multiple of 8
   */
  void columnScores(float[] points, int base, int stride, int count, float[] columns, int dim, int k, float[] out);
}
