package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.config.ConfFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's settings: the bundled profile reads, and bad keys and values are named. */
class ServeOptionsTest {
  private static final Path REPO = Path.of(System.getProperty("quantpipe.home", ".."));

  @Test
  void theBundledProfileReads() throws Exception {
    ServeOptions o = ServeOptions.fromMap(ConfFile.read(REPO.resolve("conf/serve-local.conf")));
    assertThat(o.index()).isEqualTo("out/index");
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.pollMillis()).isEqualTo(1000);
    assertThat(o.maxBodyBytes()).isEqualTo(16 << 20);
    assertThat(o.portFile()).isNull();
    assertThat(o.hadoopConf()).isEmpty();
    assertThat(o.prepareShare()).isEqualTo(0.25);
    assertThat(o.cacheLink()).isTrue();
    assertThat(o.indexRoot().localPath()).as("a local root is read without Hadoop").isNotNull();
  }

  @Test
  void hadoopKeysGoToHadoopWithoutThePrefix() {
    ServeOptions o = ServeOptions.fromMap(Map.of("index", "s3a://b/i", "hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000"));
    assertThat(o.hadoopConf()).containsEntry("fs.s3a.endpoint", "http://127.0.0.1:9000");
    assertThat(o.hadoopConfiguration().get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(o.hadoopConfiguration().get("fs.s3a.attempts.maximum")).isEqualTo("1");
    assertThat(o.indexRoot().localPath()).isNull();
    assertThat(o.indexRoot().hadoopConf()).containsEntry("fs.s3a.endpoint", "http://127.0.0.1:9000");
  }

  @Test
  void aStreamNeedsBrokersAndKafkaKeysGoToTheConsumer() {
    assertThat(ServeOptions.fromMap(with("index", "out/index")).hasStream()).isFalse();
    assertThatThrownBy(() -> ServeOptions.fromMap(with("stream-topic", "quantpipe.encoded")))
        .hasMessageContaining("'stream-brokers'").hasMessageContaining("quantpipe.encoded");
    Map<String, String> m = with("stream-topic", "quantpipe.encoded");
    m.put("stream-brokers", "localhost:9092");
    m.put("kafka.security.protocol", "SSL");
    ServeOptions o = ServeOptions.fromMap(m);
    assertThat(o.hasStream()).isTrue();
    assertThat(o.kafkaConf()).containsEntry("security.protocol", "SSL");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("kafka.sasl.jaas.config", "x"))).hasMessageContaining("credential");
    assertThat(ServeOptions.fromMap(with("stream-parquet", "out/stream-shards")).hasStream()).isTrue();
    m.put("stream-parquet", "s3a://bucket/stream");
    assertThatThrownBy(() -> ServeOptions.fromMap(m)).hasMessageContaining("'stream-topic' (quantpipe.encoded)")
        .hasMessageContaining("'stream-parquet' (s3a://bucket/stream)");
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> ServeOptions.fromMap(Map.of())).hasMessageContaining("Option 'index' is required");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("pol-ms", "10"))).hasMessageContaining("Unknown option 'pol-ms'")
        .hasMessageContaining("poll-ms");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("port", "70000"))).hasMessageContaining("'port'")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("poll-ms", "soon"))).hasMessageContaining("poll-ms")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("threads", "2"))).hasMessageContaining("threads");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("prepare-share", "0"))).hasMessageContaining("'prepare-share'")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("cache-link", "yes"))).hasMessageContaining("'cache-link'")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ServeOptions.fromMap(with("hadoop.fs.s3a.secret.key", "x")))
        .hasMessageContaining("is a credential");
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> m = new HashMap<>(Map.of("index", "out/index"));
    m.put(key, value);
    return m;
  }
}
