package io.quantpipe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.vector.FloatVectors;
import org.junit.jupiter.api.Test;

class CorpusStatisticsTest {

  /** Statistics of {@code v} gathered in {@code parts} interleaved partitions, merged last-first. */
  static CorpusStatistics partitioned(FloatVectors v, int parts, int sampleCapacity, long seed) {
    CorpusStatistics[] p = new CorpusStatistics[parts];
    for (int i = 0; i < parts; i++) {
      p[i] = new CorpusStatistics(v.dim(), sampleCapacity, seed);
    }
    for (int i = 0; i < v.count(); i++) {
      p[i % parts].add(i, v.data(), v.offset(i), v.dim());
    }
    CorpusStatistics merged = new CorpusStatistics(v.dim(), sampleCapacity, seed);
    for (int i = parts - 1; i >= 0; i--) {
      merged.merge(p[i]);
    }
    return merged;
  }

  @Test
  void sevenPartitionsEqualOne() {
    FloatVectors v = TestData.siftBase(3000);
    CorpusStatistics one = CorpusStatistics.of(v, 500, 42);
    CorpusStatistics seven = partitioned(v, 7, 500, 42);
    assertThat(seven.count()).isEqualTo(3000);
    assertThat(seven.min()).isEqualTo(one.min());
    assertThat(seven.max()).isEqualTo(one.max());
    assertThat(seven.mean()).isEqualTo(one.mean());
    assertThat(seven.fingerprint()).isEqualTo(one.fingerprint());
    assertThat(seven.sample().ids()).isEqualTo(one.sample().ids());
    assertThat(seven.sample().vectors().data()).isEqualTo(one.sample().vectors().data());
  }

  @Test
  void meanMatchesDoubleArithmetic() {
    FloatVectors v = TestData.siftBase(1000);
    float[] mean = CorpusStatistics.of(v, 1, 1).mean();
    for (int j = 0; j < v.dim(); j++) {
      double sum = 0;
      for (int i = 0; i < v.count(); i++) {
        sum += v.data()[v.offset(i) + j];
      }
      assertThat(mean[j]).isEqualTo((float) (sum / v.count())); // SIFT values are integers: sums are exact
    }
  }

  @Test
  void fingerprintChangesWithTheData() {
    FloatVectors v = TestData.siftBase(100);
    FloatVectors w = TestData.siftBase(101).slice(1, 101);
    assertThat(CorpusStatistics.of(v, 1, 1).fingerprint()).isNotEqualTo(CorpusStatistics.of(w, 1, 1).fingerprint());
    assertThat(CorpusStatistics.of(v, 1, 1).fingerprint().hashHex()).hasSize(16);
  }

  @Test
  void emptyCorpusCannotBeCalibrated() {
    CorpusStatistics empty = new CorpusStatistics(4, 10, 1);
    assertThatThrownBy(empty::mean).hasMessage("Cannot calibrate from an empty corpus: no vectors were added");
    assertThatThrownBy(() -> empty.sample().vectors()).hasMessage("Cannot read an empty sample: no vectors were added");
  }

  @Test
  void wrongDimensionNamesTheRecord() {
    CorpusStatistics s = new CorpusStatistics(4, 10, 1);
    assertThatThrownBy(() -> s.add(17, new float[3], 0, 3)).hasMessage("Cannot add record 17: dimension 3, expected 4");
  }
}
