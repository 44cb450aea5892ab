package io.quantpipe.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.StorageCheck;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.testing.S3ProxyServer;
import io.quantpipe.vector.FvecsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline against a real S3 API (S3Proxy in its own JVM, see {@link S3ProxyServer}) through
 * Hadoop's S3A: publishes siftsmall to {@code s3a://}, reads the published version back with the
 * serving reader and searches it; and checks that wrong credentials, a missing bucket and an
 * unreachable endpoint fail fast, before any compute, with a message naming the problem.
 */
class S3PipelineIT {
  private static final Path SIFTSMALL = Path.of("..", "data", "siftsmall").toAbsolutePath().normalize();
  private static final String BUCKET = "quantpipe-it";

  @TempDir
  static Path tmp;

  private static S3ProxyServer s3;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    assertThat(SIFTSMALL.resolve("base.fvecs")).as("bundled dataset").isRegularFile();
    s3 = S3ProxyServer.start(tmp);
    s3.createBucket(BUCKET);
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    FileSystem.closeAll();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("quantpipe-s3-it")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    s3.s3aSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    spark = builder.getOrCreate();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
        spark = null;
      }
      FileSystem.closeAll();
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  @Test
  void publishesToS3AndServesTheIndexReadBack() throws Exception {
    String root = "s3a://" + BUCKET + "/index";
    PipelineResult result = Pipeline.run(spark, options(root));

    assertThat(result.version()).isEqualTo(1);
    assertThat(result.indexed()).isEqualTo(10_000);
    assertThat(result.evaluation().recallAtK()).isGreaterThan(0.8);

    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JsonNode manifest = PublishedIndex.manifest(root, conf);
    assertThat(manifest.path("version").asInt()).isEqualTo(1);
    assertThat(manifest.path("evaluation").path("recall@10").asDouble())
        .isEqualTo(result.evaluation().recallAtK());

    PartitionedIndex index = PublishedIndex.open(root, conf, tmp.resolve("served"));
    assertThat(index.liveCount()).isEqualTo(10_000);
    float[] query = FvecsReader.readFvecs(SIFTSMALL.resolve("query.fvecs")).get(0);
    int[] exact = Arrays.copyOf(FvecsReader.readIvecs(SIFTSMALL.resolve("groundtruth.ivecs"))[0], 10);
    IndexHits hits = index.search(query, 10, 64, 4, 4, null);
    assertThat(hits.size()).isEqualTo(10);
    long found = Arrays.stream(hits.ids()).filter(id -> Arrays.stream(exact).anyMatch(e -> e == id)).count();
    assertThat(found).as("hits %s among the exact top 10 %s", Arrays.toString(hits.ids()),
        Arrays.toString(exact)).isGreaterThanOrEqualTo(8);
  }

  @Test
  @Timeout(60)
  void wrongSecretIsReportedAsRejectedCredentials() {
    assertCheckFails("s3a://" + BUCKET + "/index", c -> c.set("fs.s3a.secret.key", "not-the-secret"),
        "credentials were rejected");
  }

  @Test
  @Timeout(60)
  void missingBucketIsReportedAsMissing() {
    assertCheckFails("s3a://no-such-bucket-xyz/index", c -> { }, "bucket does not exist");
  }

  @Test
  @Timeout(60)
  void closedPortIsReportedAsUnreachable() throws Exception {
    int closed = S3ProxyServer.freePort();
    assertCheckFails("s3a://" + BUCKET + "/index", c -> c.set("fs.s3a.endpoint", "http://127.0.0.1:" + closed),
        "endpoint is unreachable");
  }

  @Test
  @Timeout(60)
  void pipelineWithWrongSecretFailsBeforeComputing() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String secret = conf.get("fs.s3a.secret.key");
    String root = "s3a://" + BUCKET + "/refused";
    FileSystem.closeAll();
    try {
      conf.set("fs.s3a.secret.key", "not-the-secret");
      long started = System.nanoTime();
      assertThatThrownBy(() -> Pipeline.run(spark, options(root)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("credentials were rejected");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    } finally {
      conf.set("fs.s3a.secret.key", secret);
      FileSystem.closeAll();
    }
    assertThat(s3.storedPath(root.substring("s3a://".length()))).as("nothing written under the refused root").doesNotExist();
  }

  private static void assertCheckFails(String root, Consumer<Configuration> change, String phrase) {
    Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
    change.accept(conf);
    long started = System.nanoTime();
    assertThatThrownBy(() -> StorageCheck.checkWritable(root, conf))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(phrase);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  private static PipelineOptions options(String output) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PipelineOptions.INPUT, SIFTSMALL.toString());
    m.put(PipelineOptions.OUTPUT, output);
    m.put(PipelineOptions.STRATEGY, "hybrid-pq");
    m.put(PipelineOptions.PARTITIONS, "4");
    m.put(PipelineOptions.EVAL_QUERIES, "20");
    m.put(PipelineOptions.PQ_ITERATIONS, "4");
    m.put(PipelineOptions.HNSW_EF_CONSTRUCTION, "64");
    return PipelineOptions.fromMap(m);
  }
}
