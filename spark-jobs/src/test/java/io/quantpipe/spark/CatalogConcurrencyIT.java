package io.quantpipe.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.storage.ConcurrentPublishException;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Concurrent runs on one index root, on the local file system and on S3 (S3Proxy in its own JVM):
 * every run gets its own version directory, the pointer only ever names a complete version, the
 * newest version wins (a refused one writes no manifest), and a publish that would overwrite a rollback made during its run, or a
 * newer version, is refused with a message that says so. Each catalog has its own
 * {@link FileSystem} instance, as separate driver JVMs would.
 */
class CatalogConcurrencyIT {
  private static final String BUCKET = "quantpipe-concurrency";
  private static final int RUNS = 6;

  @TempDir
  static Path tmp;

  private static S3ProxyServer s3;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  private static Configuration conf() {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    s3.s3aSettings().forEach(conf::set);
    return conf;
  }

  private static String root(String store, String name) {
    return store.equals("s3a") ? "s3a://" + BUCKET + "/" + name : tmp.resolve(name).toUri().toString();
  }

  private static String manifest(int version) {
    return "{\"format\": \"" + CatalogPointer.MANIFEST_FORMAT + "\", \"version\": " + version + "}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void concurrentRunsGetTheirOwnVersionsAndTheNewestIsCurrent(String store) throws Exception {
    String root = root(store, "runs-at-once");
    VersionCatalog first = new VersionCatalog(root, conf());
    first.publish(first.createNext("setup"), null, manifest(1));
    CatalogPointer startedFrom = first.current();

    ExecutorService pool = Executors.newFixedThreadPool(RUNS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<int[]>> outcomes = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      String owner = "run-" + r;
      outcomes.add(pool.submit((Callable<int[]>) () -> {
        VersionCatalog catalog = new VersionCatalog(root, conf());
        go.await();
        int version = catalog.createNext(owner);
        try {
          catalog.publish(version, startedFrom, manifest(version));
          return new int[] {version, 1};
        } catch (ConcurrentPublishException e) {
          assertThat(e).hasMessageContaining("Version " + version + " under").hasMessageContaining("became current");
          return new int[] {version, 0};
        }
      }));
    }
    go.countDown();
    List<Integer> versions = new ArrayList<>();
    List<Integer> publishedVersions = new ArrayList<>();
    for (Future<int[]> f : outcomes) {
      int[] o = f.get();
      versions.add(o[0]);
      if (o[1] == 1) {
        publishedVersions.add(o[0]);
      }
    }
    int published = publishedVersions.size();
    pool.shutdown();

    assertThat(versions).as("one version per run").doesNotHaveDuplicates().hasSize(RUNS)
        .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(2));
    int newest = versions.stream().max(Integer::compare).orElseThrow();
    VersionCatalog reader = new VersionCatalog(root, conf());
    CatalogPointer now = reader.current();
    assertThat(now.version()).as("the newest version wins").isEqualTo(newest);
    assertThat(now.generation()).as("one switch per publish").isEqualTo(published);
    assertThat(new String(reader.currentManifest(), StandardCharsets.UTF_8)).isEqualTo(manifest(newest));
    FileSystem fs = FileSystem.get(new org.apache.hadoop.fs.Path(root).toUri(), conf());
    for (int v : versions) {
      FileStatus[] claims = fs.listStatus(new org.apache.hadoop.fs.Path(reader.versionUri(v)),
          p -> p.getName().startsWith("_claim."));
      assertThat(claims).as("version %d's claims", v).hasSize(1);
      assertThat(reader.isComplete(v)).as("version %d is complete: only if it was published", v)
          .isEqualTo(publishedVersions.contains(v));
    }
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(root), p -> p.getName().startsWith("_lease.")))
        .as("leases left behind").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void aPublishDoesNotOverwriteARollbackMadeDuringItsRun(String store) throws Exception {
    String root = root(store, "rollback-during-run");
    VersionCatalog catalog = new VersionCatalog(root, conf());
    catalog.publish(catalog.createNext("setup"), null, manifest(1));
    catalog.publish(catalog.createNext("setup"), catalog.current(), manifest(2));
    CatalogPointer startedFrom = catalog.current();
    int version = catalog.createNext("the run");

    new VersionCatalog(root, conf()).rollback(null); // an operator, while the run builds version 3

    assertThatThrownBy(() -> catalog.publish(version, startedFrom, manifest(version)))
        .isInstanceOf(ConcurrentPublishException.class)
        .hasMessageContaining("Version 3 under")
        .hasMessageContaining("rolled back to version 1 during this run (which began at version 2)")
        .hasMessageContaining("Nothing was published");
    CatalogPointer now = catalog.current();
    assertThat(now.version()).isEqualTo(1);
    assertThat(now.switchedBy()).isEqualTo(CatalogPointer.ROLLBACK);
    assertThat(catalog.isComplete(version)).as("a refused publish writes no manifest").isFalse();

    // A run that began after the rollback publishes as usual.
    int next = catalog.createNext("the next run");
    catalog.publish(next, now, manifest(next));
    assertThat(catalog.current().version()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void aKilledHoldersLeaseLapses(String store) throws Exception {
    String root = root(store, "killed-holder");
    Configuration conf = conf();
    conf.setLong(VersionCatalog.LEASE_KEY, 60_000);
    VersionCatalog catalog = new VersionCatalog(root, conf);
    int version = catalog.createNext("the run");
    // A publish killed while it held the lease leaves its claim; this one expired a second ago.
    FileSystem fs = FileSystem.get(new org.apache.hadoop.fs.Path(root).toUri(), conf);
    try (var out = fs.create(new org.apache.hadoop.fs.Path(root, "_lease.killed-holder"), false)) {
      out.write(((System.currentTimeMillis() - 1000) + " publish of version 9 (pid 1)\n").getBytes(StandardCharsets.UTF_8));
    }
    long started = System.nanoTime();
    catalog.publish(version, null, manifest(version));
    assertThat((System.nanoTime() - started) / 1e9).as("seconds to publish").isLessThan(10);
    assertThat(catalog.current().version()).isEqualTo(version);
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(root, "_lease.killed-holder"))).isFalse();
  }
}
