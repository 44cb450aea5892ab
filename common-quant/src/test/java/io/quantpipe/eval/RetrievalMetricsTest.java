package io.quantpipe.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
  private static final int[] EXACT = {1, 2, 3, 4};

  @Test
  void perfectAnswerScoresOne() {
    assertThat(RetrievalMetrics.recall(EXACT, EXACT, 4)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.precision(EXACT, EXACT, 4)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.ndcg(EXACT, EXACT, 4)).isCloseTo(1.0, within(1e-12));
    assertThat(RetrievalMetrics.averagePrecision(EXACT, EXACT, 4)).isEqualTo(1.0);
  }

  @Test
  void handCheckedPartialAnswer() {
    int[] approx = {9, 2, 1, 8}; // relevant at ranks 2 and 3
    assertThat(RetrievalMetrics.recall(approx, EXACT, 4)).isEqualTo(0.5);
    assertThat(RetrievalMetrics.recall(approx, EXACT, 1)).isEqualTo(0.0);
    assertThat(RetrievalMetrics.precision(approx, EXACT, 4)).isEqualTo(0.5);
    // DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5; IDCG = 1 + 0.63093 + 0.5 + 0.43068
    assertThat(RetrievalMetrics.ndcg(approx, EXACT, 4)).isCloseTo(1.13093 / 2.56161, within(1e-4));
    // AP = (1/2 + 2/3) / 4
    assertThat(RetrievalMetrics.averagePrecision(approx, EXACT, 4)).isCloseTo((0.5 + 2.0 / 3) / 4, within(1e-12));
  }

  @Test
  void shortAnswerKeepsPrecisionHonest() {
    int[] approx = {1};
    assertThat(RetrievalMetrics.recall(approx, EXACT, 4)).isEqualTo(0.25);
    assertThat(RetrievalMetrics.precision(approx, EXACT, 4)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.precision(new int[0], EXACT, 4)).isEqualTo(0.0);
  }
}
