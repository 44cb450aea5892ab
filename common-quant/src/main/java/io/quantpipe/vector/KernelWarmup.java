package io.quantpipe.vector;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Compiles the SIMD kernels before the facade uses them. Vector API code is only fast once C2 has
 * compiled it: interpreted or under C1 every vector operation allocates. The int8 and 4-bit dot
 * products cost ~100 µs a call instead of ~30 ns, which took a serving node's first query on an
 * sq8 graph to 140–170 ms against 13–17 ms on a float graph; the float kernels behind a PQ query's
 * lookup tables and the float32 rescoring did the same to a 1M hybrid-pq node, whose first query
 * on one core took two seconds. So {@link VectorUtil} starts on {@link ScalarVectorOps} (plain
 * loops, which C1 compiles within milliseconds) while one daemon thread calls every SIMD kernel
 * until the JIT has compiled them (a second or two), then hands them over. Both give the same bits,
 * so the hand-over changes speed only, never a result.
 *
 * <p>Started once per JVM by the facade; thread-safe.
 */
final class KernelWarmup implements Runnable {
  /** Calls per kernel and length: past C2's tiered thresholds once the loops' back-edges count. */
  static final int CALLS = 6_000;
  private static final int[] LENGTHS = {128, 384};
  /** Where the results go, so that the JIT cannot drop the calls as dead code. */
  private static volatile float sink;

  private final VectorOps simd;
  private final Consumer<VectorOps> handOver;

  private KernelWarmup(VectorOps simd, Consumer<VectorOps> handOver) {
    this.simd = simd;
    this.handOver = handOver;
  }

  /** Starts the daemon thread that warms {@code simd} up and then passes it to {@code handOver}. */
  static void start(VectorOps simd, Consumer<VectorOps> handOver) {
    Thread t = new Thread(new KernelWarmup(simd, handOver), "quantpipe-kernel-warmup");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void run() {
    try {
      exercise();
    } finally {
      handOver.accept(simd); // even if a call failed: the kernels are correct, only perhaps not yet compiled
    }
  }

  private void exercise() {
    SplittableRandom r = new SplittableRandom(42);
    float sum = 0;
    for (int len : LENGTHS) {
      float[] q = gaussian(r, len);
      float[] v = gaussian(r, len);
      byte[] codes = new byte[len];
      r.nextBytes(codes);
      byte[] sevenBit = new byte[len];
      for (int j = 0; j < len; j++) {
        sevenBit[j] = (byte) (codes[j] & 0x7F);
      }
      int[] pairOrds = new int[3];
      int[] three = new int[3];
      for (int i = 0; i < CALLS; i++) {
        sum += simd.dot(q, 0, v, 0, len) + simd.squareDistance(q, 0, v, 0, len)
            + simd.dotUnsignedBytes(q, codes, 0, len) + simd.dotNibbles(q, codes, 0, len)
            + simd.dotPacked(q, codes, 0, len, 4) + simd.dotPacked(q, codes, 0, len / 2, 2)
            + simd.dotBytes(codes, 0, codes, 0, len) + simd.dotSevenBit(sevenBit, 0, sevenBit, 0, len);
        simd.dotSevenBits(sevenBit, 0, sevenBit, len, pairOrds, 3, three); // a pair and a lone code
        simd.dotBytes(codes, 0, codes, len, pairOrds, 3, three);
        sum += three[i % 3];
      }
    }
    // The table scans, popcounts, PQ lookup tables and k-means assignment at small sizes: the
    // calls, not the sizes, are what the JIT counts.
    int m = 16;
    float[] table = gaussian(r, m * 256);
    byte[] codes = new byte[m * 8];
    r.nextBytes(codes);
    float[] sums = new float[8];
    long[] query = {r.nextLong(), r.nextLong()};
    int[] distances = new int[8];
    int k = 16; // the 16-column and 8-column steps
    float[] columns = gaussian(r, 16 * k);
    float[] scores = new float[4 * k];
    float[] norms = gaussian(r, k);
    int[] assignment = new int[4];
    float[] best = new float[4];
    float[] q = gaussian(r, 4 * 16);
    byte[] lut = new byte[m * 16];
    r.nextBytes(lut);
    byte[] blocks = new byte[2 * 16 * m];
    r.nextBytes(blocks);
    int[] fast = new int[64];
    for (int i = 0; i < CALLS; i++) {
      simd.fastScan(lut, blocks, 0, m, 2, fast);
      sum += fast[i & 63];
      sum += simd.lookupSum(table, codes, 0, m) + simd.hamming(query, codes, 0, 2);
      simd.lookupSums(table, codes, 0, m, 8, sums);
      simd.hammings(query, codes, 0, 2, 8, distances);
      simd.transposedScores(q, 0, 16, columns, k, (i & 1) == 0, scores, 0);
      int points = (i & 1) == 0 ? 4 : 1; // the four-point blocks and the lone-point path
      simd.nearestCentroids(q, 0, 16, points, columns, norms, 16, (i & 2) == 0 ? k : 8, assignment, best);
      simd.columnScores(q, 0, 16, points, columns, 16, (i & 2) == 0 ? k : 8, scores);
      sum += sums[i & 7] + distances[i & 7] + scores[i & 7] + best[0];
    }
    sink = sum;
  }

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }
}
