package io.quantpipe.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SIMD kernels equal the plain-Java ones bit for bit (the tolerance is zero: both add in lane
 * order), on real vectors and at every length around the 8- and 32-lane boundaries; and the facade
 * falls back to plain Java when the module is absent.
 */
class PanamaVectorOpsTest {
  private static final VectorOps PLAIN = ScalarVectorOps.INSTANCE;
  private static final VectorOps SIMD = new PanamaVectorOps();
  private static final int[] LENGTHS = lengths();

  private static int[] lengths() {
    List<Integer> n = new ArrayList<>();
    for (int i = 0; i <= 70; i++) {
      n.add(i);
    }
    n.addAll(List.of(96, 127, 128, 129, 384, 768, 1535, 1536));
    return n.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1) * (float) Math.exp(r.nextDouble() * 4 - 2);
    }
    return v;
  }

  private static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  private static void assertSameBits(float simd, float plain, String what) {
    assertThat(Float.floatToRawIntBits(simd)).as("%s: %s vs %s", what, simd, plain)
        .isEqualTo(Float.floatToRawIntBits(plain));
  }

  @Test
  void theTestJvmRunsTheSimdKernels() {
    assertThat(PanamaVectorOps.supported()).as("these machines have AVX2").isTrue();
    assertThat(VectorUtil.implementation()).isEqualTo("panama-256");
  }

  @Test
  void theFacadeHandsTheKernelsToSimdOnceTheyAreCompiled() throws InterruptedException {
    VectorUtil.dot(new float[8], 0, new float[8], 0, 8); // loads the facade, which starts the warm-up
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!VectorUtil.activeKernels().name().equals("panama-256") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(VectorUtil.activeKernels().name()).isEqualTo("panama-256");
  }

  @Test
  void floatSumsAreBitIdenticalOnRealVectors() {
    float[] sift = TestData.siftBase(200).data();
    float[] minilm = TestData.minilmBase(200).data();
    for (int i = 0; i + 1 < 200; i++) {
      assertSameBits(SIMD.dot(sift, 128 * i, sift, 128 * (i + 1), 128), PLAIN.dot(sift, 128 * i, sift, 128 * (i + 1), 128), "sift dot");
      assertSameBits(SIMD.squareDistance(sift, 128 * i, sift, 128 * (i + 1), 128),
          PLAIN.squareDistance(sift, 128 * i, sift, 128 * (i + 1), 128), "sift l2");
      assertSameBits(SIMD.dot(minilm, 384 * i, minilm, 384 * (i + 1), 384),
          PLAIN.dot(minilm, 384 * i, minilm, 384 * (i + 1), 384), "minilm dot");
      assertSameBits(SIMD.squareDistance(minilm, 384 * i, minilm, 384 * (i + 1), 384),
          PLAIN.squareDistance(minilm, 384 * i, minilm, 384 * (i + 1), 384), "minilm l2");
    }
  }

  @Test
  void everyLengthAndOffsetGivesTheSameBits() {
    SplittableRandom r = new SplittableRandom(7);
    for (int n : LENGTHS) {
      float[] a = gaussian(r, n + 5);
      float[] b = gaussian(r, n + 3);
      byte[] codes = bytes(r, n + 9);
      float[] split = VectorUtil.splitNibbleQuery(java.util.Arrays.copyOf(a, n));
      String at = "n=" + n;
      assertSameBits(SIMD.dot(a, 5, b, 3, n), PLAIN.dot(a, 5, b, 3, n), at + " dot");
      assertSameBits(SIMD.squareDistance(a, 5, b, 3, n), PLAIN.squareDistance(a, 5, b, 3, n), at + " l2");
      assertSameBits(SIMD.dotUnsignedBytes(a, codes, 9, n), PLAIN.dotUnsignedBytes(a, codes, 9, n), at + " sq8");
      assertSameBits(SIMD.dotNibbles(split, codes, 4, n), PLAIN.dotNibbles(split, codes, 4, n), at + " sq4");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, 31, 32, 33, 48, 128, 129, 384, 1536})
  void nibbleKernelOnTheSplitQueryIsTheNaturalOrderDotProduct(int n) {
    SplittableRandom r = new SplittableRandom(n);
    float[] q = gaussian(r, n);
    byte[] codes = bytes(r, (n + 1) / 2 + 3);
    double exact = 0;
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      int c = (codes[3 + i / 2] >> ((i & 1) * 4)) & 0xF;
      exact += (double) q[i] * c;
      magnitude += Math.abs((double) q[i] * c);
    }
    float tolerance = (float) (1e-6 * magnitude) + 1e-6f; // float rounding, relative to Σ|terms|
    float[] split = VectorUtil.splitNibbleQuery(q);
    assertThat(SIMD.dotNibbles(split, codes, 3, n)).isCloseTo((float) exact, within(tolerance));
    assertThat(PLAIN.dotPacked(q, codes, 3, n, 4)).isCloseTo((float) exact, within(tolerance));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 48, 50, 192})
  void batchedLookupsAndPopcountsEqualSingleCalls(int m) {
    SplittableRandom r = new SplittableRandom(m);
    float[] table = gaussian(r, m * 256);
    int count = 37;
    byte[] codes = bytes(r, 5 + count * 8 * m);
    float[] sums = new float[count];
    SIMD.lookupSums(table, codes, 5, m, count, sums);
    int[] distances = new int[count];
    long[] query = new long[m];
    for (int w = 0; w < m; w++) {
      query[w] = r.nextLong();
    }
    SIMD.hammings(query, codes, 5, m, count, distances);
    for (int i = 0; i < count; i++) {
      assertSameBits(sums[i], PLAIN.lookupSum(table, codes, 5 + i * m, m), "code " + i);
      assertThat(distances[i]).isEqualTo(PLAIN.hamming(query, codes, 5 + i * 8 * m, m));
    }
  }

  /**
   * Every path of the kernel: blocks of four points and lone points (203 points), and centroid
   * counts that are and are not multiples of its 16- and 32-centroid steps.
   */
  @ParameterizedTest(name = "dim {0}, {1} centroids")
  @CsvSource({"1, 256", "4, 256", "8, 256", "16, 256", "96, 256", "8, 40", "8, 264", "3, 8", "128, 24"})
  void nearestCentroidsAgreeAndAreTheTrueNearest(int dim, int k) {
    float[] sift = TestData.siftBase(1000).data();
    int points = 203; // not a multiple of the 4-point block
    float[] columns = new float[dim * k];
    float[] norms = new float[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < dim; j++) {
        float v = sift[(700 + c) * 128 + j];
        columns[j * k + c] = v;
        norms[c] += v * v;
      }
    }
    int[] simdNearest = new int[points];
    int[] plainNearest = new int[points];
    float[] simdScore = new float[points];
    float[] plainScore = new float[points];
    SIMD.nearestCentroids(sift, 3 * 128, 128, points, columns, norms, dim, k, simdNearest, simdScore);
    PLAIN.nearestCentroids(sift, 3 * 128, 128, points, columns, norms, dim, k, plainNearest, plainScore);
    assertThat(simdNearest).isEqualTo(plainNearest);
    for (int i = 0; i < points; i++) {
      assertSameBits(simdScore[i], plainScore[i], "point " + i);
      double best = Double.MAX_VALUE;
      double chosen = 0;
      for (int c = 0; c < k; c++) {
        double d = 0;
        for (int j = 0; j < dim; j++) {
          double t = sift[(3 + i) * 128 + j] - (double) columns[j * k + c];
          d += t * t;
        }
        best = Math.min(best, d);
        chosen = c == simdNearest[i] ? d : chosen;
      }
      assertThat(chosen).as("point %d", i).isCloseTo(best, within(1e-4 * best + 1e-3));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, 128, 384, 1536, 1537})
  void dotBytesIsTheExactIntegerSum(int len) {
    SplittableRandom r = new SplittableRandom(len);
    byte[] a = new byte[len + 3];
    byte[] b = new byte[len + 5];
    r.nextBytes(a);
    r.nextBytes(b);
    java.util.Arrays.fill(a, 0, Math.min(len, 8), (byte) 0xFF); // 255 x 255 overflows a signed 16-bit product
    java.util.Arrays.fill(b, 0, Math.min(len, 8), (byte) 0xFF);
    long expected = 0;
    for (int i = 0; i < len; i++) {
      expected += (a[i] & 0xFF) * (long) (b[i] & 0xFF);
    }
    assertThat(SIMD.dotBytes(a, 0, b, 0, len)).isEqualTo((int) expected);
    assertThat(PLAIN.dotBytes(a, 0, b, 0, len)).isEqualTo((int) expected);
    assertThat(SIMD.dotBytes(a, 3, b, 5, len)).isEqualTo(PLAIN.dotBytes(a, 3, b, 5, len));
  }

  /** 7-bit codes, all at 127 in places: four products of 127² per 16-bit lane are the kernel's limit. */
  @Test
  void dotSevenBitIsTheExactIntegerSumAtEveryLength() {
    SplittableRandom r = new SplittableRandom(7);
    for (int len : LENGTHS) {
      byte[] a = sevenBitCodes(r, len + 3);
      byte[] b = sevenBitCodes(r, len + 5);
      java.util.Arrays.fill(a, 0, Math.min(len, 70), (byte) 127);
      java.util.Arrays.fill(b, 0, Math.min(len, 70), (byte) 127);
      long expected = 0;
      for (int i = 0; i < len; i++) {
        expected += a[i] * (long) b[i];
      }
      assertThat(SIMD.dotSevenBit(a, 0, b, 0, len)).as("len %d", len).isEqualTo((int) expected);
      assertThat(PLAIN.dotSevenBit(a, 0, b, 0, len)).as("len %d", len).isEqualTo((int) expected);
      assertThat(SIMD.dotSevenBit(a, 3, b, 5, len)).as("len %d", len).isEqualTo(PLAIN.dotSevenBit(a, 3, b, 5, len));
    }
  }

  /** The batch kernel gives each code's {@link VectorOps#dotSevenBit}: pairs, a lone last code, repeats. */
  @Test
  void dotSevenBitsScoresEachCodeAsOneCallWould() {
    SplittableRandom r = new SplittableRandom(11);
    for (int len : new int[] {1, 15, 16, 17, 63, 64, 65, 128, 384, 385}) {
      int n = 9;
      byte[] codes = sevenBitCodes(r, n * len);
      java.util.Arrays.fill(codes, 0, len, (byte) 127);
      byte[] q = sevenBitCodes(r, len + 2);
      java.util.Arrays.fill(q, 2, len + 2, (byte) 127);
      int[] ords = {0, 8, 3, 3, 5, 1, 7};
      for (int count = 0; count <= ords.length; count++) {
        int[] simd = new int[count];
        int[] plain = new int[count];
        SIMD.dotSevenBits(q, 2, codes, len, ords, count, simd);
        PLAIN.dotSevenBits(q, 2, codes, len, ords, count, plain);
        for (int j = 0; j < count; j++) {
          int one = PLAIN.dotSevenBit(q, 2, codes, ords[j] * len, len);
          assertThat(simd[j]).as("len %d, code %d of %d", len, j, count).isEqualTo(one);
          assertThat(plain[j]).as("len %d, code %d of %d", len, j, count).isEqualTo(one);
        }
      }
    }
  }

  /** The 8-bit batch kernel likewise, with 255s where a signed 16-bit product would overflow. */
  @Test
  void dotBytesOfANeighbourListScoresEachCodeAsOneCallWould() {
    SplittableRandom r = new SplittableRandom(13);
    for (int len : new int[] {1, 15, 16, 17, 64, 128, 384, 385}) {
      byte[] codes = new byte[9 * len];
      r.nextBytes(codes);
      java.util.Arrays.fill(codes, 0, len, (byte) 0xFF);
      byte[] q = new byte[len + 2];
      r.nextBytes(q);
      java.util.Arrays.fill(q, 2, len + 2, (byte) 0xFF);
      int[] ords = {0, 8, 3, 3, 5, 1, 7};
      for (int count = 0; count <= ords.length; count++) {
        int[] simd = new int[count];
        int[] plain = new int[count];
        SIMD.dotBytes(q, 2, codes, len, ords, count, simd);
        PLAIN.dotBytes(q, 2, codes, len, ords, count, plain);
        for (int j = 0; j < count; j++) {
          int one = PLAIN.dotBytes(q, 2, codes, ords[j] * len, len);
          assertThat(simd[j]).as("len %d, code %d of %d", len, j, count).isEqualTo(one);
          assertThat(plain[j]).as("len %d, code %d of %d", len, j, count).isEqualTo(one);
        }
      }
    }
  }

  private static byte[] sevenBitCodes(SplittableRandom r, int n) {
    byte[] codes = new byte[n];
    for (int i = 0; i < n; i++) {
      codes[i] = (byte) r.nextInt(128);
    }
    return codes;
  }

  /** Blocks of four points and lone ones, against 16-column steps and an 8-column remainder. */
  @ParameterizedTest(name = "dim {0}, {1} columns")
  @CsvSource({"1, 8", "7, 16", "128, 32", "384, 24", "96, 40"})
  void columnScoresAgreeAndAreTheInnerProducts(int dim, int k) {
    float[] sift = TestData.siftBase(1000).data();
    int points = 203;
    float[] columns = new float[dim * k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < dim; j++) {
        columns[j * k + c] = sift[(700 + c) * 128 + j % 128] / (1 + j / 128);
      }
    }
    float[] simd = new float[points * k];
    float[] plain = new float[points * k];
    int stride = Math.max(dim, 128);
    SIMD.columnScores(sift, 5, stride, points, columns, dim, k, simd);
    PLAIN.columnScores(sift, 5, stride, points, columns, dim, k, plain);
    for (int i = 0; i < points; i++) {
      for (int c = 0; c < k; c++) {
        assertSameBits(simd[i * k + c], plain[i * k + c], "point " + i + ", column " + c);
        double dot = 0;
        for (int j = 0; j < dim; j++) {
          dot += (double) sift[5 + i * stride + j] * columns[j * k + c];
        }
        assertThat((double) plain[i * k + c]).isCloseTo(dot, within(1e-5 * Math.abs(dot) + 1e-2));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 7, 8, 9, 12, 16, 24, 31, 32, 40})
  void transposedScoresEqualOneCallPerPoint(int len) {
    SplittableRandom r = new SplittableRandom(len);
    int k = 256;
    float[] points = gaussian(r, k * len);
    float[] columns = new float[k * len];
    for (int c = 0; c < k; c++) {
      for (int t = 0; t < len; t++) {
        columns[t * k + c] = points[c * len + t];
      }
    }
    float[] query = gaussian(r, len + 3);
    for (boolean l2 : new boolean[] {true, false}) {
      float[] simd = new float[k + 8];
      float[] plain = new float[k + 8];
      SIMD.transposedScores(query, 3, len, columns, k, l2, simd, 8);
      PLAIN.transposedScores(query, 3, len, columns, k, l2, plain, 8);
      for (int c = 0; c < k; c++) {
        float one = l2 ? PLAIN.squareDistance(query, 3, points, c * len, len) : PLAIN.dot(query, 3, points, c * len, len);
        assertSameBits(simd[8 + c], one, "len=" + len + " l2=" + l2 + " point " + c + " simd");
        assertSameBits(plain[8 + c], one, "len=" + len + " l2=" + l2 + " point " + c + " plain");
      }
    }
  }

  @Test
  void pqLookupTablesFromRealCodebooksEqualPerCentroidDistances() {
    FloatVectors minilm = TestData.minilmBase(2000);
    var pq = io.quantpipe.quant.pq.PqTrainer.train(minilm, Similarity.EUCLIDEAN,
        new io.quantpipe.quant.pq.PqParams(48, 5, 7), 1, 1);
    float[] query = TestData.minilmBase(2001).get(2000);
    var scorer = pq.scorer(query);
    byte[] code = new byte[48];
    for (int c = 0; c < 256; c++) {
      java.util.Arrays.fill(code, (byte) c);   // every subspace's centroid c: the sum of one table column
      float[] part = new float[48];
      for (int j = 0; j < 48; j++) {
        part[j] = PLAIN.squareDistance(query, 8 * j, pq.codebook(j), 8 * c, 8);
      }
      float s0 = 0, s1 = 0;
      for (int j = 0; j < 48; j += 2) {
        s0 += part[j];
        s1 += part[j + 1];
      }
      assertSameBits(scorer.score(code, 0), -(s0 + s1), "centroid " + c);
    }
  }

  @Test
  void theFacadeChecksTheUncheckedLookupScanOnce() {
    float[] table = new float[4 * 256];
    byte[] codes = new byte[4 * 10];
    float[] out = new float[10];
    VectorUtil.lookupSums(table, codes, 0, 4, 10, out); // fits exactly
    assertThatThrownBy(() -> VectorUtil.lookupSums(table, codes, 1, 4, 10, out))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("10 codes of 4 bytes from 1");
    assertThatThrownBy(() -> VectorUtil.lookupSums(table, new byte[5 * 10], 0, 5, 10, out))
        .hasMessageContaining("1024-entry table");
    assertThatThrownBy(() -> VectorUtil.nearestCentroids(new float[8], 0, 1, 1, new float[12], new float[12], 1, 12,
        new int[1], new float[1])).hasMessageContaining("multiple of 8");
    assertThatThrownBy(() -> VectorUtil.transposedScores(new float[8], 4, 8, new float[64], 8, true, new float[8], 0))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("8 dims from 4 of a 8-dim query");
    assertThatThrownBy(() -> VectorUtil.transposedScores(new float[8], 0, 8, new float[64], 8, true, new float[8], 1))
        .hasMessageContaining("into 8 outputs from 1");
  }

  @Test
  void tiesGoToTheLowerCentroid() {
    int k = 16;
    float[] columns = new float[k]; // dim 1: every centroid at 0
    float[] norms = new float[k];
    int[] nearest = new int[5];
    SIMD.nearestCentroids(new float[] {1, 2, 3, 4, 5}, 0, 1, 5, columns, norms, 1, k, nearest, new float[5]);
    assertThat(nearest).containsOnly(0);
  }

  @Test
  void facadeSelectionHonoursThePropertyAndRejectsUnknownValues() {
    assertThat(VectorUtil.select("scalar").name()).isEqualTo("scalar");
    assertThat(VectorUtil.select("auto").name()).isEqualTo("panama-256");
    assertThat(VectorUtil.select("panama").name()).isEqualTo("panama-256");
    assertThatThrownBy(() -> VectorUtil.select("avx9"))
        .hasMessageContaining("quantpipe.vector").hasMessageContaining("avx9");
  }

  @Test
  void withoutTheModuleTheFacadeFallsBackToPlainJava(@TempDir Path dir) throws IOException, InterruptedException {
    Path probe = dir.resolve("Probe.java");
    Files.writeString(probe, "public class Probe { public static void main(String[] a) {"
        + " System.out.print(io.quantpipe.vector.VectorUtil.implementation()); } }");
    assertThat(run(dir, List.of(probe.toString()))).isEqualTo("scalar");
    assertThat(run(dir, List.of("--add-modules=jdk.incubator.vector", probe.toString()))).endsWith("panama-256");
    assertThat(run(dir, List.of("-Dquantpipe.vector=panama", probe.toString())))
        .contains("quantpipe.vector=panama but the Vector API is not usable here");
  }

  /** Runs the single-file program with this module's classes; returns its stdout and stderr. */
  private static String run(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.trim();
  }
}
