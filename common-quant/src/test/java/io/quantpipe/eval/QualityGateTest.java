package io.quantpipe.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QualityGateTest {
  private final QualityGate gate = new QualityGate(0.9, 8);

  @Test
  void passesAtAndAboveTheFloors() {
    assertThat(gate.judge(10, 0.9, 8).passed()).isTrue();
    assertThat(gate.judge(10, 0.99, 17.6).failures()).isEmpty();
  }

  @Test
  void failsBelowEitherFloorAndSaysWhich() {
    QualityGate.Verdict low = gate.judge(10, 0.85, 17.6);
    assertThat(low.passed()).isFalse();
    assertThat(low.failures()).isEqualTo("recall@10 0.8500 < floor 0.9000");
    assertThat(gate.judge(10, 0.95, 4).failures()).isEqualTo("compression 4.0000 < floor 8.0000");
    assertThat(gate.judge(10, 0.5, 1).checks()).hasSize(2).noneMatch(QualityGate.Check::passed);
  }

  @Test
  void aFigureThatCouldNotBeMeasuredNeverPasses() {
    assertThat(gate.judge(10, Double.NaN, 17.6).passed()).isFalse();
    assertThat(new QualityGate(0, 1).judge(10, Double.NaN, 2).passed()).isFalse();
  }

  @Test
  void floorsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new QualityGate(1.2, 8)).hasMessageContaining("1.2");
    assertThatThrownBy(() -> new QualityGate(0.9, 0.5)).hasMessageContaining("0.5");
  }
}
