package io.quantpipe.vector;

/**
 * The one entry point to the distance kernels. It checks lengths once and delegates to the
 * {@link VectorOps} chosen once, when this class loads: {@link PanamaVectorOps} when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} and has 256-bit vectors, else
 * {@link ScalarVectorOps}. Both give bit-identical results, so the choice changes speed only. The
 * system property {@code quantpipe.vector} = {@code auto} (default), {@code scalar} or
 * {@code panama} overrides it; {@code panama} fails at start when the Vector API is missing rather
 * than running slowly unnoticed. The SIMD kernels take over from the plain ones once a background
 * thread has had them compiled ({@link KernelWarmup}), so that a JVM's first queries do not run
 * interpreted vector code. Static and thread-safe.
 */
public final class VectorUtil {
  /** The system property that picks the kernels. */
  public static final String PROPERTY = "quantpipe.vector";

  private static final VectorOps OPS = select(System.getProperty(PROPERTY, "auto"));
  /**
   * The kernels calls go to: plain Java until {@link KernelWarmup} has the selected SIMD ones
   * compiled (interpreted, a vector operation allocates: ~100 µs for a call that then takes 30 ns).
   * Both give the same bits, so the hand-over changes speed only.
   */
  private static volatile VectorOps ACTIVE = ScalarVectorOps.INSTANCE;

  static {
    if (OPS != ScalarVectorOps.INSTANCE) {
      KernelWarmup.start(OPS, simd -> ACTIVE = simd);
    }
  }

  private VectorUtil() {}

  static VectorOps select(String wanted) {
    switch (wanted) {
      case "scalar":
        return ScalarVectorOps.INSTANCE;
      case "auto":
      case "panama":
        VectorOps simd = panama();
        if (simd == null && wanted.equals("panama")) {
          throw new IllegalStateException(PROPERTY + "=panama but the Vector API is not usable here: run the JVM with"
              + " --add-modules jdk.incubator.vector on a CPU with 256-bit vectors");
        }
        return simd == null ? ScalarVectorOps.INSTANCE : simd;
      default:
        throw new IllegalArgumentException(PROPERTY + " must be auto, scalar or panama; got '" + wanted + "'");
    }
  }

  /** The SIMD kernels, or null when the module is absent or vectors are narrower than 256 bits. */
  private static VectorOps panama() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      // By name, so that this class never links against the incubator module when it is absent.
      Class<?> type = Class.forName("io.quantpipe.vector.PanamaVectorOps");
      java.lang.reflect.Method supported = type.getDeclaredMethod("supported");
      if (!(Boolean) supported.invoke(null)) {
        return null;
      }
      java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
      return (VectorOps) constructor.newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  /** The kernels in use, for reports: {@code "scalar"} or {@code "panama-256"}. */
  public static String implementation() {
    return OPS.name();
  }

  /** The kernels calls go to at this moment (the selected ones once warmed up). */
  static VectorOps activeKernels() {
    return ACTIVE;
  }

  /** Σ a[i]·b[i] over two whole arrays of equal length. */
  public static float dot(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return ACTIVE.dot(a, 0, b, 0, a.length);
  }

  public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    return ACTIVE.dot(a, aOff, b, bOff, len);
  }

  /** Σ (a[i] − b[i])² over two whole arrays of equal length. */
  public static float squareDistance(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return ACTIVE.squareDistance(a, 0, b, 0, a.length);
  }

  public static float squareDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    return ACTIVE.squareDistance(a, aOff, b, bOff, len);
  }

  /** Cosine similarity of two whole arrays; 0 when either has zero norm. */
  public static float cosine(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    double na = ACTIVE.dot(a, 0, a, 0, a.length);
    double nb = ACTIVE.dot(b, 0, b, 0, b.length);
    if (na == 0 || nb == 0) {
      return 0f;
    }
    return (float) (ACTIVE.dot(a, 0, b, 0, a.length) / Math.sqrt(na * nb));
  }

  /**
   * Scales {@code v[off, off+len)} to unit L2 norm in place.
   *
   * @throws IllegalArgumentException for a zero vector, which has no direction
   */
  public static void normalize(float[] v, int off, int len) {
    double norm = Math.sqrt(ACTIVE.dot(v, off, v, off, len));
    if (norm == 0) {
      throw new IllegalArgumentException("Cannot normalise a zero vector for cosine similarity");
    }
    float inv = (float) (1.0 / norm);
    for (int i = off; i < off + len; i++) {
      v[i] *= inv;
    }
  }

  /** Σ a[i]·b[i] over {@code len} unsigned 8-bit codes of two code arrays, exact. */
  public static int dotBytes(byte[] a, int aOff, byte[] b, int bOff, int len) {
    if (aOff < 0 || bOff < 0 || len < 0 || aOff + len > a.length || bOff + len > b.length) {
      throw new IndexOutOfBoundsException(String.format("%d codes from %d and %d do not fit in %d and %d bytes",
          len, aOff, bOff, a.length, b.length));
    }
    return ACTIVE.dotBytes(a, aOff, b, bOff, len);
  }

  /** {@link VectorOps#dotBytes(byte[], int, byte[], int, int[], int, int[])}: a neighbour list's 8-bit codes. */
  public static void dotBytes(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    checkBatch(q, qOff, len, ords, count, out);
    ACTIVE.dotBytes(q, qOff, codes, len, ords, count, out);
  }

  /**
   * {@link VectorOps#dotSevenBit}: Σ a[i]·b[i] over {@code len} 7-bit codes (values in [0, 127],
   * which the caller guarantees; unchecked for speed), exact.
   */
  public static int dotSevenBit(byte[] a, int aOff, byte[] b, int bOff, int len) {
    if (aOff < 0 || bOff < 0 || len < 0 || aOff + len > a.length || bOff + len > b.length) {
      throw new IndexOutOfBoundsException(String.format("%d codes from %d and %d do not fit in %d and %d bytes",
          len, aOff, bOff, a.length, b.length));
    }
    return ACTIVE.dotSevenBit(a, aOff, b, bOff, len);
  }

  /**
   * {@link VectorOps#dotSevenBits}: the query code against {@code count} codes of a row-major
   * array (code {@code o} at {@code o·len}), into {@code out[0, count)}. The ordinals are not
   * range-checked one by one (the caller's graph holds only valid ones); an out-of-range one
   * still fails on the array bounds.
   */
  public static void dotSevenBits(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    checkBatch(q, qOff, len, ords, count, out);
    ACTIVE.dotSevenBits(q, qOff, codes, len, ords, count, out);
  }

  public static float dotUnsignedBytes(float[] q, byte[] codes, int off, int len) {
    return ACTIVE.dotUnsignedBytes(q, codes, off, len);
  }

  public static float dotPacked(float[] q, byte[] codes, int off, int len, int bits) {
    return ACTIVE.dotPacked(q, codes, off, len, bits);
  }

  /** See {@link VectorOps#dotNibbles}; {@code qSplit} comes from {@link #splitNibbleQuery}. */
  public static float dotNibbles(float[] qSplit, byte[] codes, int off, int len) {
    return ACTIVE.dotNibbles(qSplit, codes, off, len);
  }

  /**
   * A query in the nibble-split layout of {@link VectorOps#dotNibbles}: per full block of 16
   * dimensions the even ones, then the odd ones; the tail unchanged. Made once per query.
   */
  public static float[] splitNibbleQuery(float[] q) {
    float[] split = q.clone();
    for (int block = 0; block + 16 <= q.length; block += 16) {
      for (int l = 0; l < 8; l++) {
        split[block + l] = q[block + 2 * l];
        split[block + 8 + l] = q[block + 2 * l + 1];
      }
    }
    return split;
  }

  public static float lookupSum(float[] table, byte[] codes, int off, int m) {
    return ACTIVE.lookupSum(table, codes, off, m);
  }

  /** {@link #lookupSum} of {@code count} consecutive {@code m}-byte codes into {@code out}. */
  public static void lookupSums(float[] table, byte[] codes, int off, int m, int count, float[] out) {
    // Checked here once: the kernel reads without bounds checks (see LookupScan#sums).
    if (m < 1 || count < 0 || off < 0 || (long) off + (long) count * m > codes.length
        || (long) m * 256 > table.length || out.length < count) {
      throw new IndexOutOfBoundsException(String.format(
          "lookupSums: %d codes of %d bytes from %d do not fit %d code bytes, a %d-entry table or %d outputs",
          count, m, off, codes.length, table.length, out.length));
    }
    ACTIVE.lookupSums(table, codes, off, m, count, out);
  }

  /** The 4-bit PQ fast scan of {@code blocks} blocks of 32 codes; see {@link VectorOps#fastScan}. */
  public static void fastScan(byte[] lut, byte[] codes, int off, int m, int blocks, int[] out) {
    if (m < 1 || blocks < 0 || off < 0 || (long) off + 16L * m * blocks > codes.length || lut.length < 16 * m
        || out.length < 32L * blocks) {
      throw new IndexOutOfBoundsException(String.format(
          "fastScan: %d blocks of %d subspaces from %d do not fit %d code bytes, a %d-byte table or %d outputs",
          blocks, m, off, codes.length, lut.length, out.length));
    }
    ACTIVE.fastScan(lut, codes, off, m, blocks, out);
  }

  public static int hamming(long[] query, byte[] codes, int off, int words) {
    return ACTIVE.hamming(query, codes, off, words);
  }

  /** {@link #hamming} of {@code count} consecutive codes of {@code 8·words} bytes into {@code out}. */
  public static void hammings(long[] query, byte[] codes, int off, int words, int count, int[] out) {
    ACTIVE.hammings(query, codes, off, words, count, out);
  }

  /** Scores of a sub-vector against {@code k} transposed points; see {@link VectorOps#transposedScores}. */
  public static void transposedScores(float[] query, int qOff, int len, float[] columns, int k, boolean l2,
                                      float[] out, int outOff) {
    if (k % 8 != 0 || len < 0 || qOff < 0 || qOff + len > query.length || columns.length < (long) len * k
        || outOff < 0 || outOff + k > out.length) {
      throw new IndexOutOfBoundsException(String.format(
          "transposedScores: %d dims from %d of a %d-dim query against %d points (a multiple of 8) in %d values,"
              + " into %d outputs from %d", len, qOff, query.length, k, columns.length, out.length, outOff));
    }
    ACTIVE.transposedScores(query, qOff, len, columns, k, l2, out, outOff);
  }

  /** The k-means assignment step over a block of points; see {@link VectorOps#nearestCentroids}. */
  public static void nearestCentroids(float[] points, int base, int stride, int count, float[] columns,
                                      float[] norms, int dim, int k, int[] assignment, float[] score) {
    if (k % 8 != 0 || columns.length < dim * k || norms.length < k) {
      throw new IllegalArgumentException("Centroid columns must be dim x k with k a multiple of 8; got k=" + k
          + ", " + columns.length + " values for dim " + dim);
    }
    ACTIVE.nearestCentroids(points, base, stride, count, columns, norms, dim, k, assignment, score);
  }

  /** Scores of a block of points against columns; see {@link VectorOps#columnScores}. */
  public static void columnScores(float[] points, int base, int stride, int count, float[] columns, int dim, int k,
                                  float[] out) {
    if (k % 8 != 0 || columns.length < dim * k) {
      throw new IllegalArgumentException("Columns must be dim x k with k a multiple of 8; got k=" + k + ", "
          + columns.length + " values for dim " + dim);
    }
    if (count > 0 && (base < 0 || base + (long) (count - 1) * stride + dim > points.length)) {
      throw new IndexOutOfBoundsException(count + " points of " + dim + " dims from " + base + " (stride " + stride
          + ") do not fit in " + points.length + " floats");
    }
    if (out.length < (long) count * k) {
      throw new IllegalArgumentException(count + " x " + k + " scores do not fit in " + out.length + " outputs");
    }
    ACTIVE.columnScores(points, base, stride, count, columns, dim, k, out);
  }

  private static void checkBatch(byte[] q, int qOff, int len, int[] ords, int count, int[] out) {
    if (qOff < 0 || len < 0 || qOff + len > q.length || count < 0 || count > ords.length || count > out.length) {
      throw new IndexOutOfBoundsException(String.format(
          "%d codes from %d in %d bytes, %d ordinals of %d into %d outputs", len, qOff, q.length, count,
          ords.length, out.length));
    }
  }

  private static void checkSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("Vector dimensions differ: " + a + " != " + b);
    }
  }
}
