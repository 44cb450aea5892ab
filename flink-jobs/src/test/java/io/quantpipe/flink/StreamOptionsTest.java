package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.config.ConfFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {
  @Test
  void theBundledProfileParsesAndFlinkKeysPassThrough() throws Exception {
    Map<String, String> m = new HashMap<>(ConfFile.read(Path.of("..", "conf", "stream-local.conf")));
    m.put("flink.state.backend.type", "hashmap");
    StreamOptions o = StreamOptions.fromMap(m);
    assertThat(o.inputTopic()).isEqualTo("quantpipe.inserts");
    assertThat(o.startingOffsets()).isEqualTo(StreamOptions.StartingOffsets.COMMITTED);
    assertThat(o.flinkConf()).containsEntry("state.backend.type", "hashmap");
    assertThat(StreamOptions.fromMap(new HashMap<>(o.toMap())).toMap()).isEqualTo(o.toMap());
  }

  @Test
  void hadoopKeysConfigureTheIndexRootAndParquetOutputIsOptional() {
    Map<String, String> m = new HashMap<>(Map.of("bootstrap-servers", "localhost:9092", "index", "s3a://bucket/index",
        "hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000"));
    StreamOptions o = StreamOptions.fromMap(m);
    assertThat(o.hadoopConf()).containsExactly(Map.entry("fs.s3a.endpoint", "http://127.0.0.1:9000"));
    assertThat(o.indexRoot().localPath()).isNull(); // read through Hadoop
    assertThat(o.indexRoot().hadoopConf()).isEqualTo(o.hadoopConf());
    assertThat(o.parquetOutput()).isEmpty();
    assertThat(o.toMap()).doesNotContainKey("hadoop.fs.s3a.endpoint"); // for logs: may hold secrets
    StreamOptions local = StreamOptions.fromMap(with(with(m, "index", "out/index"), "parquet-output", " out/stream "));
    assertThat(local.indexRoot().localPath()).isEqualTo(Path.of("out/index").toAbsolutePath());
    assertThat(local.parquetOutput()).isEqualTo("out/stream");
  }

  @Test
  void badSettingsNameTheKeyAndValue() {
    Map<String, String> m = new HashMap<>(Map.of("bootstrap-servers", "localhost:9092", "index", "out/index"));
    assertThatThrownBy(() -> StreamOptions.fromMap(with(m, "input-topc", "x")))
        .hasMessageStartingWith("Unknown option 'input-topc'").hasMessageContaining("input-topic");
    assertThatThrownBy(() -> StreamOptions.fromMap(with(m, "checkpoint-interval-ms", "soon")))
        .hasMessageContaining("checkpoint-interval-ms").hasMessageContaining("soon");
    assertThatThrownBy(() -> StreamOptions.fromMap(with(m, "starting-offsets", "middle")))
        .hasMessageContaining("starting-offsets").hasMessageContaining("middle");
    assertThatThrownBy(() -> StreamOptions.fromMap(Map.of("index", "x")))
        .hasMessage("Option 'bootstrap-servers' is required");
  }

  private static Map<String, String> with(Map<String, String> m, String key, String value) {
    Map<String, String> copy = new HashMap<>(m);
    copy.put(key, value);
    return copy;
  }
}
