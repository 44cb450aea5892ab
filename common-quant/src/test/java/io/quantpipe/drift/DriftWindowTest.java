package io.quantpipe.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift figures on siftsmall: trained on rows 0-1999, baseline error measured on held-out rows
 * 2000-2999 (a PQ with 256 centroids per subspace fits 2,000 training rows far better than new
 * ones), rows 3000-3999 streamed as they are or changed.
 */
class DriftWindowTest {
  static FloatVectors base;
  static ProductQuantizer pq;
  static CoarseQuantizer coarse;
  static DriftBaseline baseline;
  static final DriftThresholds THRESHOLDS = new DriftThresholds(1.5, 0.25, 500);

  @BeforeAll
  static void train() {
    base = TestData.siftBase(4000);
    FloatVectors training = base.slice(0, 2000);
    pq = PqTrainer.train(training, Similarity.EUCLIDEAN, new PqParams(16, 6, 3), 1, 1);
    coarse = CoarseQuantizer.train(training, Similarity.EUCLIDEAN, 8, 6, 3);
    long[] occupancy = new long[8];
    for (int i = 0; i < training.count(); i++) {
      occupancy[coarse.assign(training.get(i))]++;
    }
    baseline = new DriftBaseline(DriftBaseline.meanRelativeError(pq, base.slice(2000, 3000)), occupancy);
  }

  private static DriftReport stream(java.util.function.UnaryOperator<float[]> change) {
    DriftWindow window = new DriftWindow(8);
    byte[] code = new byte[pq.codeBytes()];
    for (int i = 3000; i < 4000; i++) {
      float[] v = change.apply(base.get(i));
      pq.encode(v, code, 0);
      window.add(coarse.assign(v), DriftBaseline.relativeError(pq, v, code));
    }
    return window.report(7, baseline, THRESHOLDS);
  }

  @Test
  void vectorsLikeTheTrainingOnesDoNotDrift() {
    DriftReport r = stream(v -> v);
    assertThat(r.count()).isEqualTo(1000);
    assertThat(r.errorRatio()).isBetween(0.8, 1.3);
    assertThat(r.occupancyPsi()).isLessThan(0.1);
    assertThat(r.drifted()).isFalse();
    assertThat(r.toJson()).contains("\"codebook_version\":7").contains("\"drifted\":false");
  }

  @Test
  void aChangedDistributionDriftsOnErrorAndOccupancy() {
    DriftReport r = stream(v -> { // the same values in reverse dimension order: another distribution
      float[] out = new float[v.length];
      for (int j = 0; j < v.length; j++) {
        out[j] = v[v.length - 1 - j];
      }
      return out;
    });
    assertThat(r.drifted()).isTrue();
    assertThat(r.errorRatio()).isGreaterThan(1.5);
    assertThat(r.occupancyPsi()).isGreaterThan(0.25);
    assertThat(r.reason()).contains("error ratio").contains("occupancy PSI");
  }

  @Test
  void smallWindowsAreNotJudgedAndThresholdsAreChecked() {
    DriftWindow w = new DriftWindow(8);
    w.add(0, 10.0);
    assertThat(w.report(1, baseline, THRESHOLDS).drifted()).isFalse();
    DriftWindow other = new DriftWindow(8);
    other.add(1, 0.0);
    w.merge(other);
    assertThat(w.count()).isEqualTo(2);
    assertThatThrownBy(() -> new DriftThresholds(0.9, 0.2, 10)).hasMessageContaining("error ratio 0.9");
  }
}
