package io.quantpipe.spark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.spark.jobs.TrainJob;
import org.junit.jupiter.api.Test;

/** The calibrate stage's statistics file: round trip, and each way a file is refused. */
class StatisticsFileTest {
  private static TrainJob.Statistics statistics() throws Exception {
    TrainJob.Statistics s = new TrainJob.Statistics(4, 16, 16, 7L);
    for (int i = 0; i < 100; i++) {
      s.corpus().add(i, new float[] {i, -i, i * 0.5f, 1}, 0, 4);
      s.sample().add(i, new float[] {i, -i, i * 0.5f, 1}, 0, 4);
    }
    return s;
  }

  @Test
  void roundTrips() throws Exception {
    TrainJob.Statistics s = statistics();
    TrainJob.Statistics back = StatisticsFile.read(StatisticsFile.toBytes(s), "stats");
    assertThat(back.corpus().count()).isEqualTo(100);
    assertThat(back.corpus().fingerprint().hashHex()).isEqualTo(s.corpus().fingerprint().hashHex());
    assertThat(back.sample().vectors().data()).isEqualTo(s.sample().vectors().data());
  }

  @Test
  void refusesWhatItDoesNotUnderstand() throws Exception {
    byte[] good = StatisticsFile.toBytes(statistics());
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> StatisticsFile.read(magic, "f")).isInstanceOf(CorruptArtifactException.class)
        .hasMessageContaining("bad magic");
    byte[] version = good.clone();
    version[5] = 9;
    assertThatThrownBy(() -> StatisticsFile.read(version, "f")).hasMessageContaining("format version 9");
    byte[] kind = good.clone();
    kind[4] = 2;
    assertThatThrownBy(() -> StatisticsFile.read(kind, "f")).hasMessageContaining("unknown kind 2");
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    assertThatThrownBy(() -> StatisticsFile.read(flipped, "f")).hasMessageContaining("checksum mismatch");
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
    assertThatThrownBy(() -> StatisticsFile.read(truncated, "f")).hasMessageContaining("does not match the file size");
  }
}
