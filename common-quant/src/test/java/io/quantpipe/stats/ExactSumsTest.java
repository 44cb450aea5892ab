package io.quantpipe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactSumsTest {

  @Test
  void sumIsExactForValuesAtTheResolution() {
    ExactSums s = new ExactSums(1);
    float[] values = {1e-3f, 3.5f, -2.25f, 1e6f, -1e6f, 7e-9f, 123456.78f};
    BigDecimal exact = BigDecimal.ZERO;
    for (float v : values) {
      s.add(0, v);
      exact = exact.add(new BigDecimal(v));
    }
    assertThat(s.get(0)).isEqualTo(exact.doubleValue());
  }

  @Test
  void anyPartitioningAndMergeOrderGivesIdenticalWords() {
    SplittableRandom r = new SplittableRandom(7);
    float[] values = new float[10_000];
    for (int i = 0; i < values.length; i++) {
      // wide dynamic range on purpose: this is where float addition is order dependent
      values[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(12) - 6));
    }
    ExactSums whole = new ExactSums(1);
    for (float v : values) {
      whole.add(0, v);
    }
    ExactSums[] parts = new ExactSums[7];
    for (int p = 0; p < parts.length; p++) {
      parts[p] = new ExactSums(1);
    }
    for (int i = 0; i < values.length; i++) {
      parts[(i * 31) % 7].add(0, values[values.length - 1 - i]);
    }
    ExactSums merged = new ExactSums(1);
    for (int p = parts.length - 1; p >= 0; p--) {
      merged.merge(parts[p]);
    }
    assertThat(merged.toWords()).isEqualTo(whole.toWords());
    assertThat(ExactSums.fromWords(merged.toWords()).get(0)).isEqualTo(whole.get(0));
  }

  @Test
  void negativeAndPositiveCancelExactly() {
    ExactSums s = new ExactSums(2);
    s.add(1, 0.1f);
    s.add(1, 1e9f);
    s.add(1, -1e9f);
    s.add(1, -0.1f);
    assertThat(s.get(1)).isZero();
    assertThat(s.get(0)).isZero();
  }

  @Test
  void refusesMagnitudesBeyondTheRange() {
    assertThatThrownBy(() -> new ExactSums(1).add(0, 0x1p48f))
        .hasMessage("Cannot sum value 2.81474977E14: magnitude must be below 2^47");
  }
}
