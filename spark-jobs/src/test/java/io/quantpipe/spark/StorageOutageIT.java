package io.quantpipe.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.stages.StageRunner;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.StorageFailureException;
import io.quantpipe.storage.StorageProblem;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.testing.S3ProxyServer;
import io.quantpipe.vector.FvecsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage failing under a pipeline run on {@code s3a://}: S3Proxy, in its own JVM, killed as the
 * encode stage begins (held back by {@value StageRunner#PAUSE_BEFORE_STAGE_KEY}), and again inside
 * publish between the manifest and the pointer (held by {@value VersionCatalog#PAUSE_BEFORE_POINTER_KEY});
 * the kill waits until the run sleeps in the pause, so it lands there every time.
 * Each time the run fails within S3A's configured retries with a {@link StorageFailureException}
 * that names the stage, the store and the retries; the version that was current stays current and
 * answers queries once S3Proxy is back; and the next run, on the restarted store, publishes (after
 * the lease the failed publish could not release has expired) and its retention removes the debris.
 */
class StorageOutageIT {
  private static final Path SIFTSMALL = Path.of("..", "data", "siftsmall").toAbsolutePath().normalize();
  private static final String BUCKET = "quantpipe-outage";
  private static final String ROOT = "s3a://" + BUCKET + "/index";
  private static final long LEASE_MS = 15_000;

  @TempDir
  static Path tmp;

  private static S3ProxyServer s3;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    s3.createBucket(BUCKET);
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    FileSystem.closeAll();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("quantpipe-storage-outage-it")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    s3.s3aSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    spark = builder
        // The retries the failure must come within: S3A's defaults take minutes against a dead endpoint.
        .config("spark.hadoop.fs.s3a.retry.limit", "2")
        .config("spark.hadoop.fs.s3a.retry.interval", "200ms")
        .config("spark.hadoop.fs.s3a.attempts.maximum", "1")
        .config("spark.hadoop.fs.s3a.connection.establish.timeout", "2s")
        .config("spark.hadoop." + VersionCatalog.LEASE_KEY, Long.toString(LEASE_MS))
        .config("spark.hadoop." + VersionCatalog.ABANDONED_AFTER_KEY, "0")
        .getOrCreate();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
      }
      FileSystem.closeAll();
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  @Test
  @Timeout(900)
  void anOutageInEncodeOrPublishLosesNothingAndTheNextRunPublishes() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    VersionCatalog catalog = new VersionCatalog(ROOT, conf);
    assertThat(Pipeline.run(spark, options()).version()).isEqualTo(1);

    // Killed as encode begins (held back while the coarse stage's record is seen): its shard uploads find nothing listening.
    Outage encode = runWithS3KilledIn("pauseIfInjected", conf, StageRunner.PAUSE_BEFORE_STAGE_KEY, "encode:3000");
    Throwable inEncode = encode.failure();
    double encodeSeconds = (System.nanoTime() - encode.killedAtNanos()) / 1e9;
    assertThat(encode.killedAtNanos()).as("S3Proxy killed before encode").isPositive();
    assertStorageFailure(inEncode, "encode", 2);
    System.out.printf("StorageOutageIT: encode failed %.1f s after S3Proxy was killed: %s%n", encodeSeconds,
        inEncode.getMessage());
    assertThat(encodeSeconds).as("failed within the configured retries").isLessThan(120);
    s3.restart();
    assertCurrentAnswers(catalog, 1);

    // Killed once publish has written version 3's manifest, while it holds the pointer back.
    Path manifest = s3.storedPath(BUCKET + "/index/versions/" + VersionCatalog.dirName(3) + "/manifest.json");
    Outage publish = runWithS3KilledIn("publish", conf, VersionCatalog.PAUSE_BEFORE_POINTER_KEY, "3000");
    Throwable inPublish = publish.failure();
    assertThat(publish.killedAtNanos()).as("S3Proxy killed before the pointer").isPositive();
    assertThat(Files.exists(manifest)).as("the manifest was written before the kill").isTrue();
    assertStorageFailure(inPublish, "publish", 3);
    System.out.printf("StorageOutageIT: publish failed: %s%n", inPublish.getMessage());
    s3.restart();
    assertCurrentAnswers(catalog, 1);

    // The store is back: the next run waits out the lease the failed publish left, then publishes.
    PipelineResult next = Pipeline.run(spark, options());
    assertThat(next.version()).isEqualTo(4);
    assertThat(next.indexed()).isEqualTo(10_000);
    assertCurrentAnswers(catalog, 4);
    assertThat(catalog.versions()).as("the encode-killed run's directory, removed by retention").doesNotContain(2);
  }

  private static void assertStorageFailure(Throwable failure, String stage, int version) {
    assertThat(failure).isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("Stage '" + stage + "'")
        .hasMessageContaining("failed on storage " + ROOT)
        .hasMessageContaining("the endpoint is unreachable")
        .hasMessageContaining("fs.s3a.retry.limit=2")
        .hasMessageContaining("Version " + version + " is not published; the current version is still version 1");
    assertThat(((StorageFailureException) failure).problem()).isEqualTo(StorageProblem.UNREACHABLE);
  }

  /** The pointer names {@code version}, and it opens and answers with every vector. */
  private static void assertCurrentAnswers(VersionCatalog catalog, int version) throws Exception {
    assertThat(catalog.current().version()).isEqualTo(version);
    PartitionedIndex index = PublishedIndex.open(ROOT, spark.sparkContext().hadoopConfiguration(),
        Files.createTempDirectory(tmp, "served-"));
    assertThat(index.liveCount()).isEqualTo(10_000);
    float[] query = FvecsReader.readFvecs(SIFTSMALL.resolve("query.fvecs")).get(0);
    assertThat(index.search(query, 10, 64, 4, 4, null).size()).isEqualTo(10);
  }

  /** How a run ended whose store was killed, and when the kill was (System.nanoTime, 0: never). */
  private record Outage(Throwable failure, long killedAtNanos) {}

  /**
   * Runs the pipeline with the fault-injection pause {@code key} = {@code value}, and kills S3Proxy
   * once the run sleeps in it inside the method {@code pausedIn}.
   */
  private static Outage runWithS3KilledIn(String pausedIn, Configuration conf, String key, String value)
      throws InterruptedException {
    conf.set(key, value);
    Thread pipeline = Thread.currentThread();
    long[] killedAt = new long[1];
    Thread watcher = new Thread(() -> killedAt[0] = killWhenPausedIn(pipeline, pausedIn), "kill-s3-in-" + pausedIn);
    watcher.start();
    Throwable failure;
    try {
      failure = catchThrowable(() -> Pipeline.run(spark, options()));
    } finally {
      conf.unset(key);
      watcher.join(60_000);
    }
    return new Outage(failure, killedAt[0]);
  }

  /**
   * Kills S3Proxy once {@code pipeline} sleeps in a fault-injection pause inside a method named
   * {@code method} (the stage runner's or the catalog's): not before, when the write that precedes
   * the pause may still await its answer. Returns when (System.nanoTime), or 0 when it never paused.
   */
  private static long killWhenPausedIn(Thread pipeline, String method) {
    long deadline = System.currentTimeMillis() + 300_000;
    try {
      while (!pausedIn(pipeline, method)) {
        if (System.currentTimeMillis() > deadline || !pipeline.isAlive()) {
          return 0;
        }
        Thread.sleep(20);
      }
      s3.kill();
      return System.nanoTime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static boolean pausedIn(Thread pipeline, String method) {
    StackTraceElement[] stack = pipeline.getStackTrace();
    boolean sleeping = false;
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals(Thread.class.getName()) && frame.getMethodName().equals("sleep")) {
        sleeping = true;
      } else if (sleeping && (frame.getClassName().equals(StageRunner.class.getName())
          || frame.getClassName().equals(VersionCatalog.class.getName()))) {
        return frame.getMethodName().equals(method);
      }
    }
    return false;
  }

  private static PipelineOptions options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PipelineOptions.INPUT, SIFTSMALL.toString());
    m.put(PipelineOptions.OUTPUT, ROOT);
    m.put(PipelineOptions.STRATEGY, "sq8");
    m.put(PipelineOptions.PARTITIONS, "4");
    m.put(PipelineOptions.EVAL_QUERIES, "20");
    m.put(PipelineOptions.HNSW_EF_CONSTRUCTION, "64");
    return PipelineOptions.fromMap(m);
  }
}
