package io.quantpipe.vector;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Compiles the SIMD int8 and 4-bit dot products before the facade uses them. Vector API code is
 * only fast once C2 has compiled it: interpreted or under C1 every vector operation allocates, and
 * the byte-to-float conversions of these two kernels made a call cost ~100 µs instead of ~30 ns,
 * which took a serving node's first query on an sq8 graph to 140–170 ms against 13–17 ms on a float
 * graph (`bin/benchmark-hnsw`'s load_ms). So {@link VectorUtil} starts these two on
 * {@link ScalarVectorOps} while one daemon thread calls the SIMD ones until the JIT has compiled
 * them (about a second), then hands them over. Both give the same bits, so the hand-over changes
 * speed only, never a result. The float kernels do not suffer so and are used from the start.
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
      float[] q = new float[len];
      for (int i = 0; i < len; i++) {
        q[i] = (float) r.nextGaussian();
      }
      byte[] codes = new byte[len];
      r.nextBytes(codes);
      for (int i = 0; i < CALLS; i++) {
        sum += simd.dotUnsignedBytes(q, codes, 0, len) + simd.dotNibbles(q, codes, 0, len);
      }
    }
    sink = sum;
  }
}
