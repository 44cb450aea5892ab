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
  void refusesUnknownDuplicateAndEmpty() {
    assertThatThrownBy(() -> Strategy.parse("sq16")).hasMessageStartingWith("Unknown strategy 'sq16'; expected none, sq8");
    assertThatThrownBy(() -> Strategy.parse("hybrid-none")).hasMessageStartingWith("Unknown strategy 'hybrid-none'");
    assertThatThrownBy(() -> Strategy.parseList("sq8,pq,sq8")).hasMessage("Strategy 'sq8' is listed twice");
    assertThatThrownBy(() -> Strategy.parseList(" , ")).hasMessageStartingWith("No strategy given");
  }
}
