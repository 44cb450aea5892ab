package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundShareTest {
  /** Busy-waits {@code millis} (the work a step does). */
  private static void work(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  @Test
  void workAtAQuarterShareTakesAtLeastFourTimesItsOwnTime() {
    BackgroundShare share = new BackgroundShare(0.25);
    long start = System.nanoTime();
    for (int step = 0; step < 20; step++) {
      work(5);
      share.pause();
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    // 100 ms of work at a quarter of a core: at least 400 ms in all (sleeping never ends early).
    assertThat(elapsedMs).isGreaterThanOrEqualTo(400 * 0.95);
  }

  @Test
  void anUnlimitedShareNeverSleepsAndTheShareIsChecked() {
    BackgroundShare share = BackgroundShare.unlimited();
    long start = System.nanoTime();
    for (int step = 0; step < 1000; step++) {
      share.pause();
    }
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
    assertThatThrownBy(() -> new BackgroundShare(0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new BackgroundShare(1.5)).hasMessageContaining("1.5");
  }
}
