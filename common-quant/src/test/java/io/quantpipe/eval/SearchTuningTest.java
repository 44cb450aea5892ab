package io.quantpipe.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.eval.SearchTuning.Choice;
import io.quantpipe.eval.SearchTuning.Measured;
import io.quantpipe.eval.SearchTuning.Setting;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTuningTest {
  @Test
  void theGridProbesUpToThePartitionsAndNeverNarrowsTheBeamBelowTheRescoredCandidates() {
    List<Setting> plain = SearchTuning.grid(3, 10, false);
    assertThat(plain).extracting(Setting::nprobe).containsOnly(1, 2, 3);
    assertThat(plain).extracting(Setting::ef).containsOnly(10, 16, 24, 32, 48, 64, 96, 128, 192, 256);
    assertThat(plain).extracting(Setting::oversample).containsOnly(1);
    assertThat(plain).hasSize(30);

    List<Setting> hybrid = SearchTuning.grid(1000, 10, true);
    assertThat(hybrid).extracting(Setting::nprobe).contains(1, 64).doesNotContain(65, 1000);
    assertThat(hybrid).allMatch(s -> s.oversample() == 1 || s.ef() >= 10 * s.oversample());
    assertThat(hybrid).contains(new Setting(8, 32, 2), new Setting(8, 96, 8), new Setting(8, 384, 32))
        .doesNotContain(new Setting(8, 32, 4), new Setting(8, 256, 32));
    assertThat(hybrid).extracting(Setting::ef).contains(512).allMatch(ef -> ef <= 512);
    assertThat(plain).extracting(Setting::ef).allMatch(ef -> ef <= 256); // wider beams only where rescoring needs them
    assertThat(SearchTuning.grid(4, 100, false)).extracting(Setting::ef).containsOnly(100, 128, 192, 256);
  }

  @Test
  void theCheapestSettingReachingTheTargetWinsAndTheFrontierKeepsOnlyUndominatedPoints() {
    Measured cheapLow = measured(1, 16, 0.80, 1_000);
    Measured dominated = measured(1, 64, 0.78, 3_000); // dearer and worse than cheapLow
    Measured enough = measured(2, 32, 0.95, 4_000);
    Measured alsoEnough = measured(4, 32, 0.97, 9_000);
    Choice c = SearchTuning.choose(List.of(alsoEnough, dominated, enough, cheapLow), 0.95, 10);
    assertThat(c.reached()).isTrue();
    assertThat(c.chosen()).isEqualTo(enough);
    assertThat(c.frontier()).containsExactly(cheapLow, enough, alsoEnough);
    assertThat(c.settingsTried()).isEqualTo(4);
    assertThat(c.toJson().path("frontier").get(1).path("recall@10").asDouble()).isEqualTo(0.95);
    assertThat(c.toJson().path("frontier").get(1).path("bytes_per_query").asLong()).isEqualTo(4_000);
  }

  @Test
  void anUnreachableTargetGivesTheCheapestSettingOnTheRecallPlateauAndSaysSo() {
    Measured a = measured(1, 16, 0.80, 1_000);
    Measured b = measured(4, 256, 0.93, 50_000);
    Measured c = measured(2, 256, 0.93, 20_000); // as good as b, cheaper
    Measured d = measured(2, 128, 0.921, 9_000); // within 0.01 of the best, cheaper still
    Measured e = measured(2, 96, 0.915, 8_000); // below the plateau
    Choice choice = SearchTuning.choose(List.of(a, b, c, d, e), 0.99, 10);
    assertThat(choice.reached()).isFalse();
    assertThat(choice.chosen()).isEqualTo(d);
    assertThat(SearchTuning.choose(List.of(a, b, c), 0.99, 10).chosen()).isEqualTo(c);
    assertThat(choice.toJson().path("reached").asBoolean()).isFalse();
  }

  @Test
  void summariseAveragesPerQueryFiguresAndTakesLatencyPercentiles() {
    Measured m = SearchTuning.summarise(new Setting(2, 32, 1), new double[] {1, 0, 1, 1}, new double[] {0.9, 0.5, 1, 0.6},
        new long[] {4_000_000, 1_000_000, 2_000_000, 3_000_000}, new long[] {100, 200, 300, 400});
    assertThat(m.queries()).isEqualTo(4);
    assertThat(m.recallAt1()).isEqualTo(0.75);
    assertThat(m.recallAtK()).isEqualTo(0.75);
    assertThat(m.bytesPerQuery()).isEqualTo(250);
    assertThat(m.latencyP50Ms()).isEqualTo(2.0);
    assertThat(m.latencyP99Ms()).isEqualTo(4.0);
    assertThat(m.latencyMeanMs()).isEqualTo(2.5);
    assertThatThrownBy(() -> SearchTuning.summarise(new Setting(1, 16, 1), new double[0], new double[0], new long[0],
        new long[0])).hasMessageContaining("at least one query");
    assertThatThrownBy(() -> SearchTuning.choose(List.of(), 0.9, 10)).hasMessageContaining("no settings");
  }

  private static Measured measured(int nprobe, int ef, double recall, double bytes) {
    return new Measured(new Setting(nprobe, ef, 1), 100, recall, recall, bytes, 1, 2, 1);
  }
}
