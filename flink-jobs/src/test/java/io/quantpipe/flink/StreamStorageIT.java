package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.storage.IndexRoot;
import io.quantpipe.flink.testing.LocalKafka;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;
import io.quantpipe.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream job reading its codebooks from object storage: a real S3 server (S3Proxy, its own
 * JVM, loopback) holding an index published under {@code s3a://}, a real broker and a MiniCluster;
 * and the fail-fast check of an index root that cannot be read.
 */
class StreamStorageIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
  static final String BUCKET = "stream-bucket";
  static LocalKafka kafka;
  static S3ProxyServer s3;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = new LocalKafka();
    s3 = S3ProxyServer.start(tmp);
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    s3.close();
  }

  /** S3A settings for the server, as a conf profile's {@code hadoop.*} keys would give them. */
  static Map<String, String> s3a(String secret) {
    Map<String, String> m = new HashMap<>();
    m.put("fs.s3a.endpoint", s3.endpoint());
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.access.key", s3.accessKey());
    m.put("fs.s3a.secret.key", secret);
    m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("fs.s3a.attempts.maximum", "1");
    m.put("fs.s3a.retry.limit", "1");
    m.put("fs.s3a.connection.establish.timeout", "2s");
    m.put("fs.s3a.connection.timeout", "5s");
    return m;
  }

  @Test
  void encodesWithCodebooksPublishedOnS3() throws Exception {
    Path local = tmp.resolve("local-index");
    StreamFixtures.publish(local, 1);
    String root = "s3a://" + BUCKET + "/index";
    Configuration conf = new Configuration();
    s3a(s3.secretKey()).forEach(conf::set);
    FileSystem fs = new org.apache.hadoop.fs.Path(root).getFileSystem(conf);
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(root));
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(root + "/_CURRENT"))).isTrue();

    kafka.createTopics(2, "in-s3", "out-s3", "dlq-s3");
    try (var producer = kafka.producer()) {
      for (int id = 0; id < 200; id++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("in-s3", id % 2, null,
            StreamFixtures.insert(id, StreamFixtures.base().get(id))));
      }
    }
    Map<String, String> settings = StreamFixtures.options(kafka.bootstrapServers(), local, "in-s3", "out-s3", "dlq-s3");
    settings.put(StreamOptions.INDEX, root);
    // A profile never holds the keys: they come from outside it, here the JVM's system properties
    // through the AWS SDK's own provider (the task managers of the MiniCluster share this JVM).
    Map<String, String> profile = s3a(s3.secretKey());
    profile.remove("fs.s3a.access.key");
    profile.remove("fs.s3a.secret.key");
    profile.put("fs.s3a.aws.credentials.provider",
        "software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider");
    profile.forEach((k, v) -> settings.put("hadoop." + k, v));
    Map<String, String> withSecret = new HashMap<>(settings);
    withSecret.put("hadoop.fs.s3a.secret.key", s3.secretKey());
    assertThatThrownBy(() -> StreamOptions.fromMap(withSecret))
        .hasMessageContaining("'hadoop.fs.s3a.secret.key' is a credential");
    System.setProperty("aws.accessKeyId", s3.accessKey());
    System.setProperty("aws.secretAccessKey", s3.secretKey());
    StreamOptions options = StreamOptions.fromMap(settings);
    StreamPipeline.checkIndexRoot(options.indexRoot()); // readable: no exception
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, options);
    JobClient job = env.executeAsync("stream-s3-it");
    List<EncodedRecord> out = new java.util.ArrayList<>();
    try {
      for (var r : kafka.readCommitted("out-s3", 200, Duration.ofSeconds(90))) {
        out.add(EncodedRecordJson.fromBytes(r.value()));
      }
    } finally {
      job.cancel().get();
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    Codebooks books = Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(local)));
    assertThat(out).hasSize(200);
    for (EncodedRecord e : out) {
      byte[] expected = new byte[books.codeBytes()];
      assertThat(e.partition()).isEqualTo(books.encode(StreamFixtures.base().get((int) e.id()), expected));
      assertThat(e.code()).as("code of id %d", e.id()).isEqualTo(expected);
      assertThat(e.codebookVersion()).isEqualTo(1);
    }
  }

  @Test
  void anIndexRootThatCannotBeReadFailsBeforeTheJobStarts() throws Exception {
    assertThatThrownBy(() -> StreamPipeline.checkIndexRoot(
        new IndexRoot("s3a://" + BUCKET + "/index", s3a("not-the-secret"))))
        .hasMessageStartingWith("index root s3a://" + BUCKET + "/index is not usable: ")
        .hasMessageContaining("403");
    Map<String, String> closed = s3a(s3.secretKey());
    closed.put("fs.s3a.endpoint", "http://127.0.0.1:" + S3ProxyServer.freePort());
    assertThatThrownBy(() -> StreamPipeline.checkIndexRoot(new IndexRoot("s3a://" + BUCKET + "/index", closed)))
        .hasMessageStartingWith("index root s3a://" + BUCKET + "/index is not usable: ");
    assertThatThrownBy(() -> StreamPipeline.checkIndexRoot(new IndexRoot("nosuchscheme://x/index", Map.of())))
        .hasMessageContaining("No FileSystem for scheme \"nosuchscheme\"");
  }
}
