package io.quantpipe.quant.osq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.vector.FloatVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-vector interval search on real vectors, centred on their corpus mean as the quantizer does. */
class IntervalSearchTest {

  private static FloatVectors data(String name) {
    return name.equals("sift") ? TestData.siftBase(1000) : TestData.minilmBase(1000);
  }

  private static float[] mean(FloatVectors v) {
    float[] mean = new float[v.dim()];
    for (int i = 0; i < v.count(); i++) {
      for (int j = 0; j < v.dim(); j++) {
        mean[j] += v.data()[v.offset(i) + j] / v.count();
      }
    }
    return mean;
  }

  private static float[] centred(FloatVectors v, float[] mean, int i) {
    float[] r = v.get(i);
    for (int j = 0; j < r.length; j++) {
      r[j] -= mean[j];
    }
    return r;
  }

  private static double norm2(float[] r) {
    double n = 0;
    for (float x : r) {
      n += (double) x * x;
    }
    return n;
  }

  /** The search keeps a step only when the loss does not rise, so it never ends above where it started. */
  @ParameterizedTest(name = "{0} at {1} bits")
  @CsvSource({"sift,8", "sift,4", "sift,2", "sift,1", "minilm,8", "minilm,4", "minilm,2", "minilm,1"})
  void lossIsNeverAboveTheInitialIntervalsAndUsuallyBelow(String name, int bits) {
    FloatVectors v = data(name);
    float[] mean = mean(v);
    IntervalSearch search = new IntervalSearch(OsqParams.defaults(bits));
    int improved = 0;
    double initialTotal = 0;
    double finalTotal = 0;
    for (int i = 0; i < 500; i++) {
      float[] r = centred(v, mean, i);
      double n2 = norm2(r);
      float[] start = new float[2];
      search.initial(r, start);
      float[] end = new float[2];
      search.search(r, n2, end);
      double before = search.loss(r, start[0], start[1], n2);
      double after = search.loss(r, end[0], end[1], n2);
      assertThat(after).as("vector %d", i).isLessThanOrEqualTo(before);
      assertThat(end[1]).as("vector %d: b > a", i).isGreaterThan(end[0]);
      improved += after < before ? 1 : 0;
      initialTotal += before;
      finalTotal += after;
    }
    assertThat(improved).as("vectors whose loss the refinement lowered").isGreaterThan(250);
    assertThat(finalTotal).isLessThan(0.95 * initialTotal);
  }

  /** The initial interval is mean ± c_B·std of the components, inside their range. */
  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2, 1})
  void initialIntervalLiesWithinTheComponentsRange(int bits) {
    FloatVectors v = data("minilm");
    float[] mean = mean(v);
    IntervalSearch search = new IntervalSearch(OsqParams.defaults(bits));
    for (int i = 0; i < 100; i++) {
      float[] r = centred(v, mean, i);
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (float x : r) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      float[] interval = new float[2];
      search.initial(r, interval);
      assertThat(interval[0]).isBetween(min, max);
      assertThat(interval[1]).isBetween(interval[0], max);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2, 1})
  void codesStayInRangeEvenOutsideTheInterval(int bits) {
    int maxCode = (1 << bits) - 1;
    float a = -0.3f;
    float b = 0.7f;
    float inv = maxCode / (b - a);
    assertThat(IntervalSearch.code(-5f, a, b, inv, maxCode)).isZero();
    assertThat(IntervalSearch.code(a, a, b, inv, maxCode)).isZero();
    assertThat(IntervalSearch.code(b, a, b, inv, maxCode)).isEqualTo(maxCode);
    assertThat(IntervalSearch.code(5f, a, b, inv, maxCode)).isEqualTo(maxCode);
    for (float x = -1f; x <= 1f; x += 0.001f) {
      assertThat(IntervalSearch.code(x, a, b, inv, maxCode)).isBetween(0, maxCode);
    }
  }

  /** A zero or constant centred vector has nothing to optimise: the search returns without dividing by zero. */
  @ParameterizedTest
  @ValueSource(floats = {0f, 0.25f})
  void constantVectorKeepsAnEmptyInterval(float value) {
    float[] r = new float[64];
    java.util.Arrays.fill(r, value);
    float[] interval = new float[2];
    new IntervalSearch(OsqParams.defaults(4)).search(r, norm2(r), interval);
    assertThat(interval).containsExactly(value, value);
  }

  @ParameterizedTest
  @CsvSource({"3, 0.1, 5, 'Optimized scalar quantization supports 8, 4, 2 or 1 bits; bits=3'",
      "4, 0, 5, 'Optimized scalar quantization needs 0 < lambda <= 1; lambda=0.0'",
      "4, 1.5, 5, 'Optimized scalar quantization needs 0 < lambda <= 1; lambda=1.5'",
      "4, 0.1, -1, 'Optimized scalar quantization needs 0 <= iterations <= 100; iterations=-1'"})
  void paramsRefuseOutOfRangeValuesNamingThem(int bits, float lambda, int iterations, String message) {
    assertThatThrownBy(() -> new OsqParams(bits, lambda, iterations)).hasMessage(message);
  }
}
