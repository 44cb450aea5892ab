package io.quantpipe.spark.options;

import io.quantpipe.config.ConfFile;
import io.quantpipe.config.OptionReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.strategy.Strategy;
import io.quantpipe.vector.Similarity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {
  private static Map<String, String> base() {
    return new java.util.LinkedHashMap<>(Map.of("input", "data/siftsmall", "output", "out/x"));
  }

  @Test
  void defaultsApplyAndSparkKeysPassThrough() {
    Map<String, String> m = base();
    m.put("spark.executor.memory", "4g");
    m.put("metric", "ip");
    PipelineOptions o = PipelineOptions.fromMap(m);
    assertThat(o.strategy()).isEqualTo(Strategy.parse("hybrid-pq"));
    assertThat(o.metric()).isEqualTo(Similarity.DOT);
    assertThat(o.partitions()).isEqualTo(4);
    assertThat(o.sparkConf()).containsEntry("spark.executor.memory", "4g");
    assertThat(o.searchOversample()).isEqualTo(4);
    assertThat(o.hnswBuildScores()).isEqualTo(io.quantpipe.hnsw.HnswPartitionBuilder.BuildScores.FLOAT);
    assertThat(PipelineOptions.fromMap(o.toMap()).toMap()).isEqualTo(o.toMap());
  }

  @Test
  void theProfilesInConfParse() throws Exception {
    for (String profile : List.of("local.conf", "s3.conf", "pubmed-36m.conf")) {
      PipelineOptions o = PipelineOptions.fromMap(ConfFile.read(Path.of("..", "conf", profile)));
      assertThat(o.output()).isNotBlank();
    }
  }

  @Test
  void gateFloorsAreReadAndCheckedAndAirflowAndCostKeysAreLeftToTheirTools() {
    Map<String, String> m = base();
    m.put("gate-min-recall", "0.9");
    m.put("gate-min-compression", "8");
    m.put("airflow.retries", "3");
    m.put("cost.vectors", "36000000");
    PipelineOptions o = PipelineOptions.fromMap(m);
    assertThat(o.gate().minRecall()).isEqualTo(0.9);
    assertThat(o.gate().minCompression()).isEqualTo(8);
    assertThat(o.toMap()).doesNotContainKey("airflow.retries").doesNotContainKey("cost.vectors");
    m.put("gate-min-recall", "1.5");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m))
        .hasMessageContaining("gate-min-recall").hasMessageContaining("1.5");
    m.put("gate-min-recall", "0.9");
    m.put("gate-min-compression", "0.5");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m))
        .hasMessageContaining("gate-min-compression").hasMessageContaining("0.5");
  }

  @Test
  void credentialsInAProfileAreRefusedWhateverTheirPrefix() {
    for (String key : List.of("spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key",
        "spark.hadoop.fs.s3a.bucket.my-index.session.token", "airflow.kafka.password")) {
      Map<String, String> m = base();
      m.put(key, "AKIA...");
      assertThatThrownBy(() -> PipelineOptions.fromMap(m)).as(key)
          .hasMessageContaining("'" + key + "' is a credential").hasMessageContaining("AWS_ACCESS_KEY_ID");
    }
  }

  @Test
  void unknownKeyIsNamed() {
    Map<String, String> m = base();
    m.put("partitons", "8");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown option 'partitons'").hasMessageContaining("partitions");
  }

  @Test
  void wrongTypesNameKeyAndValue() {
    Map<String, String> m = base();
    m.put("partitions", "many");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m)).hasMessage("Option 'partitions' must be an integer; got 'many'");
    m.put("partitions", "0");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m)).hasMessage("Option 'partitions' must be an integer ≥ 1; got '0'");
    m.put("partitions", "4");
    m.put("pq-sample-fraction", "1.5");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m))
        .hasMessage("Option 'pq-sample-fraction' must be a fraction in (0, 1]; got '1.5'");
    m.put("pq-sample-fraction", "1");
    m.put("delta", "yes");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m)).hasMessage("Option 'delta' must be true or false; got 'yes'");
    m.put("delta", "true");
    m.put("hnsw-build-scores", "int8");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m))
        .hasMessage("Option 'hnsw-build-scores' must be float or codes; got 'int8'");
    m.put("hnsw-build-scores", "codes");
    assertThat(PipelineOptions.fromMap(m).hnswBuildScores()).isEqualTo(io.quantpipe.hnsw.HnswPartitionBuilder.BuildScores.CODES);
    m.put("strategy", "pq9");
    assertThatThrownBy(() -> PipelineOptions.fromMap(m)).hasMessageStartingWith("Option 'strategy': Unknown strategy 'pq9'");
  }

  @Test
  void requiredKeysAreNamed() {
    assertThatThrownBy(() -> PipelineOptions.fromMap(Map.of("input", "x")))
        .hasMessage("Option 'output' is required");
  }

  @Test
  void confFileSyntaxErrorsNameTheLine() {
    assertThat(ConfFile.parse(List.of("# comment", "a = 1   # trailing", "", "b=two words"), "t.conf"))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "two words"));
    assertThatThrownBy(() -> ConfFile.parse(List.of("a = 1", "oops"), "t.conf"))
        .hasMessage("t.conf line 2: expected 'key = value', got 'oops'");
    assertThatThrownBy(() -> ConfFile.parse(List.of("a = 1", "a = 2"), "t.conf"))
        .hasMessage("t.conf line 2: key 'a' is set twice");
  }
}
