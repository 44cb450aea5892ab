package io.quantpipe.vector;


import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH micro-benchmarks of each kernel, the plain-Java and the Vector API implementation side by
 * side in one run ({@code impl}), at the design dimensions. One operation is one vector, code or
 * point, so scores are nanoseconds per item as in {@code bench kernels}. Run with
 * {@code bin/benchmark-jmh} (JMH options after it, e.g. {@code -p dim=384 pqAdc}); the scans work on blocks of {@value #BLOCK} items, as the searchers do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelsJmh {
  static final int BLOCK = 256;

  @Param({"scalar", "panama"})
  String impl;

  @Param({"128", "384", "1536"})
  int dim;

  private VectorOps ops;
  private float[] a;
  private float[] b;
  private float[] split;
  private byte[] bytes;
  private float[] table;
  private int m;
  private long[] bits;
  private float[] scores;
  private int[] distances;
  private float[] points;
  private float[] columns;
  private float[] norms;
  private int[] assignment;

  @Setup
  public void setUp() {
    ops = impl.equals("scalar") ? ScalarVectorOps.INSTANCE : new PanamaVectorOps();
    SplittableRandom r = new SplittableRandom(dim);
    a = gaussian(r, dim);
    b = gaussian(r, BLOCK * dim);
    split = VectorUtil.splitNibbleQuery(a);
    bytes = new byte[BLOCK * dim];
    r.nextBytes(bytes);
    m = dim / 8;
    table = gaussian(r, m * 256);
    bits = new long[dim / 64];
    for (int w = 0; w < bits.length; w++) {
      bits[w] = r.nextLong();
    }
    scores = new float[BLOCK];
    distances = new int[BLOCK];
    points = gaussian(r, BLOCK * 8);
    columns = gaussian(r, 8 * 256);
    norms = new float[256];
    assignment = new int[BLOCK];
  }

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void squareDistance(Blackhole bh) {
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(ops.squareDistance(a, 0, b, i * dim, dim));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void dot(Blackhole bh) {
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(ops.dot(a, 0, b, i * dim, dim));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void sq8Dot(Blackhole bh) {
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(ops.dotUnsignedBytes(a, bytes, i * dim, dim));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void sq4Dot(Blackhole bh) {
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(ops.dotNibbles(split, bytes, i * dim / 2, dim));
    }
  }

  /** M = d/8 subspaces: the PQ shape of reference_ann.py. */
  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public float[] pqAdc() {
    ops.lookupSums(table, bytes, 0, m, BLOCK, scores);
    return scores;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public int[] hamming() {
    ops.hammings(bits, bytes, 0, bits.length, BLOCK, distances);
    return distances;
  }

  /** 256 centroids of 8 dims (a PQ subspace), per point; the same at every {@code dim}. */
  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public int[] kmeansAssign() {
    ops.nearestCentroids(points, 0, 8, BLOCK, columns, norms, 8, 256, assignment, scores);
    return assignment;
  }

  /** {@link #kmeansAssign} one point per call: a lone PQ sub-vector or coarse assignment. */
  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public int[] kmeansAssignOne() {
    for (int i = 0; i < BLOCK; i++) {
      ops.nearestCentroids(points, i * 8, 8, 1, columns, norms, 8, 256, assignment, scores);
    }
    return assignment;
  }
}
