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
