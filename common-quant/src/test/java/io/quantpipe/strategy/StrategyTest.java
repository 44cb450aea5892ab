package io.quantpipe.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrategyTest {

  @Test
  void parsesEveryName() {
    assertThat(Strategy.parseList("none,sq8,sq4,sq2,bq,bq-centred,bq-asym,pq,hybrid-sq8,hybrid-bq,hybrid-pq"))
        .extracting(Strategy::referenceMethod)
        .containsExactly("flat", "sq8", "sq4", "sq2", "bq", "bq", "bq", "pq", "sq8_rescore", "bq_rescore", "pq_rescore");
    assertThat(Strategy.parse("hybrid-bq").base()).isEqualTo(Strategy.Base.BQ_ASYM);
    assertThat(Strategy.parse("hybrid-bq-sign").base()).isEqualTo(Strategy.Base.BQ);
    assertThat(Strategy.parse(" SQ8 ").name()).isEqualTo("sq8");
  }

  @Test
  void parsesOptimizedScalarStrategiesAndDescribesThem() {
    assertThat(Strategy.parseList("osq8,osq4,osq2,osq1,hybrid-osq4")).extracting(Strategy::base)
        .containsExactly(Strategy.Base.OSQ8, Strategy.Base.OSQ4, Strategy.Base.OSQ2, Strategy.Base.OSQ1, Strategy.Base.OSQ4);
    assertThat(Strategy.parse("hybrid-osq4").referenceMethod()).isEqualTo("osq4_rescore");
    TrainingOptions options = new TrainingOptions(7, 0, 25, 50_000, 10_000, true, 1);
    assertThat(StrategyTrainer.describe(Strategy.parse("osq4"), 384, options, 1000)).containsExactly(
        java.util.Map.entry("strategy", "osq4"), java.util.Map.entry("bits", 4), java.util.Map.entry("interval", "optimized"),
        java.util.Map.entry("centre", "mean"), java.util.Map.entry("lambda", 0.1), java.util.Map.entry("iterations", 5),
        java.util.Map.entry("scoring", "asymmetric"), java.util.Map.entry("seed", 7L));
    assertThat(StrategyTrainer.osqParams(Strategy.parse("osq2"))).isEqualTo(io.quantpipe.quant.osq.OsqParams.defaults(2));
  }

  @Test
  void parsesRaBitQAtEveryBitCount() {
    for (int b = 1; b <= 8; b++) {
      Strategy plain = Strategy.parse("rabitq-" + b);
      Strategy hybrid = Strategy.parse("hybrid-rabitq-" + b);
      assertThat(plain.base()).isEqualTo(Strategy.Base.RABITQ);
      assertThat(plain.bits()).isEqualTo(b);
      assertThat(plain.hybrid()).isFalse();
      assertThat(hybrid.bits()).isEqualTo(b);
      assertThat(hybrid.hybrid()).isTrue();
      assertThat(hybrid.referenceMethod()).isEqualTo("rabitq" + b + "_rescore");
    }
    assertThat(Strategy.parse("sq8").bits()).isZero();
    assertThat(StrategyTrainer.describe(Strategy.parse("hybrid-rabitq-4"), 384, TrainingOptionsFixture.DEFAULTS, 1000))
        .containsEntry("strategy", "rabitq-4").containsEntry("bits", 4).containsEntry("rotation", "fht-kac")
        .containsEntry("rotation_rounds", 4).containsEntry("scale_search", "fixed").containsEntry("seed", 42L);
  }

  @Test
  void refusesRaBitQBitCountsOutOfRange() {
    assertThatThrownBy(() -> Strategy.parse("rabitq-9"))
        .hasMessage("Unknown strategy 'rabitq-9': rabitq takes 1 to 8 bits per dimension, as rabitq-1 … rabitq-8; got '9'");
    assertThatThrownBy(() -> Strategy.parse("hybrid-rabitq-"))
        .hasMessage("Unknown strategy 'hybrid-rabitq-': rabitq takes 1 to 8 bits per dimension, as rabitq-1 … rabitq-8; got ''");
    assertThatThrownBy(() -> Strategy.parse("rabitq"))
        .hasMessageStartingWith("Unknown strategy 'rabitq'; expected none, sq8, sq4, sq2, bq, bq-centred, bq-asym, pq, pq4, osq8, osq4, osq2, "
            + "osq1, rabitq-<1..8>");
  }

  @Test
  void parsesPq4AndTrainsItWithPqsSubspacesAtSixteenCentroids() {
    assertThat(Strategy.parseList("pq4,hybrid-pq4")).extracting(Strategy::base)
        .containsExactly(Strategy.Base.PQ4, Strategy.Base.PQ4);
    assertThat(Strategy.parse("hybrid-pq4").referenceMethod()).isEqualTo("pq4_rescore");
    assertThat(Strategy.parse("pq4").productQuantized()).isTrue();
    assertThat(Strategy.parse("sq4").productQuantized()).isFalse();
    io.quantpipe.quant.pq.PqParams p = StrategyTrainer.pqParams(Strategy.parse("pq4"), 384, TrainingOptionsFixture.DEFAULTS);
    assertThat(p.m()).isEqualTo(48);
    assertThat(p.ksub()).isEqualTo(16);
    assertThat(StrategyTrainer.pqParams(384, TrainingOptionsFixture.DEFAULTS).ksub()).isEqualTo(256);
    assertThat(StrategyTrainer.describe(Strategy.parse("pq4"), 384, TrainingOptionsFixture.DEFAULTS, 1000))
        .containsEntry("strategy", "pq4").containsEntry("M", 48).containsEntry("nbits", 4).containsEntry("dsub", 8);
    io.quantpipe.vector.FloatVectors corpus = io.quantpipe.TestData.siftBase(1000);
    io.quantpipe.quant.Quantizer q = StrategyTrainer.train(Strategy.parse("pq4"), corpus,
        io.quantpipe.vector.Similarity.EUCLIDEAN, new TrainingOptions(42, 0, 3, 50_000, 10_000, true, 1));
    assertThat(q.codeBytes()).isEqualTo(8);
    assertThat(((io.quantpipe.quant.pq.ProductQuantizer) q).ksub()).isEqualTo(16);
  }

  /** The run options the CLI defaults to. */
  private static final class TrainingOptionsFixture {
    static final TrainingOptions DEFAULTS = new TrainingOptions(42, 0, 25, 50_000, 10_000, true, 1);
  }

  @Test
  void refusesUnknownDuplicateAndEmpty() {
    assertThatThrownBy(() -> Strategy.parse("sq16")).hasMessageStartingWith("Unknown strategy 'sq16'; expected none, sq8");
    assertThatThrownBy(() -> Strategy.parse("hybrid-none")).hasMessageStartingWith("Unknown strategy 'hybrid-none'");
    assertThatThrownBy(() -> Strategy.parseList("sq8,pq,sq8")).hasMessage("Strategy 'sq8' is listed twice");
    assertThatThrownBy(() -> Strategy.parseList(" , ")).hasMessageStartingWith("No strategy given");
  }
}
