package io.quantpipe.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainingSampleTest {

  @Test
  void keepsTheLowestRanksWhateverTheOrder() {
    TrainingSample forward = new TrainingSample(100, 9);
    TrainingSample backward = new TrainingSample(100, 9);
    for (int i = 0; i < 5000; i++) {
      forward.add(i, new float[] {i}, 0, 1);
      backward.add(4999 - i, new float[] {4999 - i}, 0, 1);
    }
    assertThat(forward.ids()).isEqualTo(backward.ids());
    long[] ids = forward.ids();
    long[] expected = new long[5000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = i;
    }
    Long[] boxed = Arrays.stream(expected).boxed().toArray(Long[]::new);
    Arrays.sort(boxed, (a, b) -> Long.compare(TrainingSample.rank(9, a), TrainingSample.rank(9, b)));
    for (int i = 0; i < 100; i++) {
      assertThat(ids[i]).isEqualTo(boxed[i]);
    }
  }

  @Test
  void smallerCorpusThanCapacityIsKeptWhole() {
    TrainingSample s = new TrainingSample(100, 1);
    for (int i = 0; i < 30; i++) {
      s.add(i, new float[] {i, -i}, 0, 2);
    }
    assertThat(s.size()).isEqualTo(30);
    assertThat(s.vectors().count()).isEqualTo(30);
  }

  @Test
  void differentSeedsDrawDifferentSamples() {
    TrainingSample a = new TrainingSample(10, 1);
    TrainingSample b = new TrainingSample(10, 2);
    for (int i = 0; i < 1000; i++) {
      a.add(i, new float[] {i}, 0, 1);
      b.add(i, new float[] {i}, 0, 1);
    }
    assertThat(a.ids()).isNotEqualTo(b.ids());
  }
}
