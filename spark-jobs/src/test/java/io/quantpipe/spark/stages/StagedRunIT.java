package io.quantpipe.spark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stages run one at a time, each with a fresh {@link StageRunner} that knows only the run id
 * (as each Airflow task's {@code spark-submit} does): the same index as the one-session pipeline,
 * out-of-order stages refused, a retried stage, and a failed quality gate that publishes nothing.
 */
class StagedRunIT extends SparkTestBase {
  @TempDir
  Path tmp;

  private Object stage(PipelineOptions o, String runId, Stage stage) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try (StageRunner runner = new StageRunner(() -> spark, conf, o, runId)) {
      return runner.run(stage);
    }
  }

  @Test
  void stagesInSeparateRunnersBuildWhatOneSessionBuilds() throws Exception {
    PipelineOptions oneShot = options(tmp.resolve("one").toString(), PipelineOptions.STRATEGY, "sq8");
    PipelineResult expected = Pipeline.run(spark, oneShot);

    PipelineOptions o = options(tmp.resolve("staged").toString(), PipelineOptions.STRATEGY, "sq8");
    String runId = "scheduled__2026-12-03T00:00:00+00:00";
    Object last = null;
    for (Stage s : Stage.values()) {
      last = stage(o, runId, s);
      if (s == Stage.TRAIN) {
        last = stage(o, runId, s); // a retried task overwrites its own output
      }
    }
    PipelineResult staged = (PipelineResult) last;
    assertThat(staged.version()).isEqualTo(1);
    assertThat(staged.evaluation().recallAtK()).isEqualTo(expected.evaluation().recallAtK());
    assertThat(staged.compressionRatio()).isEqualTo(expected.compressionRatio());
    assertThat(staged.fingerprint()).isEqualTo(expected.fingerprint());
    assertThat(Files.readAllBytes(tmp.resolve("staged/versions/v-000001/index/quantizer.qpa")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("one/versions/v-000001/index/quantizer.qpa")));
    assertThat(new VersionCatalog(tmp.resolve("staged").toString(), spark.sparkContext().hadoopConfiguration())
        .current().version()).isEqualTo(1);
    // Publishing again (a retried task) changes nothing.
    assertThat(((PipelineResult) stage(o, runId, Stage.PUBLISH)).version()).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("staged/runs/scheduled__2026-12-03T00_00_00_00_00.json"))).isTrue();
  }

  @Test
  void aStageBeforeItsInputsIsRefusedNamingTheMissingStage() throws Exception {
    PipelineOptions o = options(tmp.resolve("order").toString());
    assertThatThrownBy(() -> stage(o, "r1", Stage.CALIBRATE)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No run 'r1'").hasMessageContaining("run stage 'import'");
    stage(o, "r1", Stage.IMPORT);
    assertThatThrownBy(() -> stage(o, "r1", Stage.ENCODE)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Stage 'encode' of run 'r1' needs stage 'train'");
    assertThatThrownBy(() -> stage(o, "r1", Stage.PUBLISH)).hasMessageContaining("needs stage 'gate'");
  }

  @Test
  void aCorruptStatisticsFileIsRefused() throws Exception {
    PipelineOptions o = options(tmp.resolve("corrupt").toString(), PipelineOptions.STRATEGY, "sq8");
    stage(o, "r2", Stage.IMPORT);
    stage(o, "r2", Stage.CALIBRATE);
    Path stats = tmp.resolve("corrupt/versions/v-000001/stages/" + StatisticsFile.NAME);
    byte[] bytes = Files.readAllBytes(stats);
    bytes[40] ^= 1;
    Files.write(stats, bytes);
    // Hadoop's local file system keeps its own checksum beside the file; S3 keeps none: test ours.
    Files.delete(stats.resolveSibling("." + StatisticsFile.NAME + ".crc"));
    assertThatThrownBy(() -> stage(o, "r2", Stage.TRAIN)).isInstanceOf(CorruptArtifactException.class)
        .hasMessageContaining("statistics.qps").hasMessageContaining("checksum");
  }

  @Test
  void aFailedGateStopsTheRunAndKeepsThePreviousVersionCurrent() throws Exception {
    String root = tmp.resolve("gate").toString();
    Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "sq8"));
    PipelineOptions strict = options(root, PipelineOptions.STRATEGY, "sq8",
        PipelineOptions.GATE_MIN_RECALL, "0.999", PipelineOptions.GATE_MIN_COMPRESSION, "8");
    assertThatThrownBy(() -> Pipeline.run(spark, strict, "strict")).isInstanceOf(QualityGateException.class)
        .hasMessageContaining("recall@10").hasMessageContaining("< floor 0.9990")
        .hasMessageContaining("compression 3.8").hasMessageContaining("< floor 8.0000")
        .hasMessageContaining("nothing was published");
    VersionCatalog catalog = new VersionCatalog(root, spark.sparkContext().hadoopConfiguration());
    assertThat(catalog.current().version()).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("gate/versions/v-000002/manifest.json"))).isFalse();
    assertThat(Files.readString(tmp.resolve("gate/versions/v-000002/stages/gate.json")))
        .contains("\"passed\" : false");
    assertThatThrownBy(() -> stage(strict, "strict", Stage.PUBLISH)).isInstanceOf(QualityGateException.class)
        .hasMessageContaining("failed its quality gate");
    assertThat(catalog.current().version()).isEqualTo(1);
  }
}
