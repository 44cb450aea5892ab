package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes in their own JVMs over an {@code s3a://} root on a real S3 server (S3Proxy, checking
 * signatures): one starts cold and reports what it downloaded; wrong credentials and a missing
 * bucket give readiness reasons that say so, and those nodes stay up.
 */
class S3ServingIT {
  static final String BUCKET = "serving-bucket";
  static S3ProxyServer s3;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    s3.createBucket(BUCKET);
    Path local = tmp.resolve("local-index");
    Published.publish(local, "hybrid-pq", 1);
    Configuration conf = new Configuration();
    s3a().forEach((k, v) -> conf.set(k.substring("hadoop.".length()), v));
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.access.key", s3.accessKey());
    conf.set("fs.s3a.secret.key", s3.secretKey());
    String root = "s3a://" + BUCKET + "/index";
    FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(root).toUri(), conf);
    // File by file (S3A's copyFromLocalFile needs commons-collections, which a node does not carry).
    try (var files = java.nio.file.Files.walk(local)) {
      for (Path f : (Iterable<Path>) files.filter(java.nio.file.Files::isRegularFile)::iterator) {
        try (var out = fs.create(new org.apache.hadoop.fs.Path(root + "/" + local.relativize(f)), true)) {
          java.nio.file.Files.copy(f, out);
        }
      }
    }
    fs.close();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  /** The profile's S3A keys (no credentials: those come from the environment, as in production). */
  static Map<String, String> s3a() {
    Map<String, String> m = new HashMap<>();
    m.put("hadoop.fs.s3a.endpoint", s3.endpoint());
    m.put("hadoop.fs.s3a.endpoint.region", "us-east-1");
    m.put("hadoop.fs.s3a.path.style.access", "true");
    m.put("hadoop.fs.s3a.connection.ssl.enabled", "false");
    m.put("hadoop.fs.s3a.aws.credentials.provider",
        "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider");
    m.put("poll-ms", "300");
    m.put("retry-max-ms", "600");
    return m;
  }

  static Map<String, String> credentials(String secret) {
    return Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", secret, "AWS_REGION", "us-east-1");
  }

  @Test
  void servesFromS3AndExplainsWrongCredentialsAndAMissingBucket() throws Exception {
    try (NodeProcess good = NodeProcess.start("s3a://" + BUCKET + "/index", tmp.resolve("cache-good"), s3a(),
            credentials(s3.secretKey()));
        NodeProcess badKey = NodeProcess.start("s3a://" + BUCKET + "/index", tmp.resolve("cache-bad-key"), s3a(),
            credentials("wrong-secret"));
        NodeProcess noBucket = NodeProcess.start("s3a://no-such-bucket/index", tmp.resolve("cache-no-bucket"), s3a(),
            credentials(s3.secretKey()))) {
      NodeClient.Answer health = good.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(60));
      assertThat(health.status()).as(health.body() + "\n" + good.log()).isEqualTo(200);
      JsonNode fetched = good.client().get("/v1/stats").json().path("fetched");
      assertThat(fetched.path("files_downloaded").asInt()).isEqualTo(10);
      assertThat(fetched.path("bytes_downloaded").asLong()).isGreaterThan(1_000_000);
      NodeClient.Answer search = good.client().search(Published.queries().get(0), "\"k\": 3");
      assertThat(search.status()).isEqualTo(200);
      assertThat(search.json().path("hits").size()).isEqualTo(3);

      NodeClient.Answer denied = badKey.client().await("/v1/health", a -> a.json().path("reason").asText()
          .contains("credentials"), Duration.ofSeconds(60));
      assertThat(denied.status()).as(denied.body()).isEqualTo(503);
      assertThat(denied.json().path("reason").asText()).contains("the credentials were rejected");
      NodeClient.Answer missing = noBucket.client().await("/v1/health", a -> a.json().path("reason").asText()
          .contains("bucket"), Duration.ofSeconds(60));
      assertThat(missing.status()).as(missing.body()).isEqualTo(503);
      assertThat(missing.json().path("reason").asText()).contains("the bucket does not exist");
      assertThat(badKey.client().search(Published.queries().get(0), "").status()).isEqualTo(503);
      assertThat(badKey.isAlive()).isTrue();
      assertThat(noBucket.isAlive()).isTrue();
    }
  }
}
