package io.quantpipe.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.storage.ConcurrentPublishException;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole pipeline runs (the build DAG and the retrain DAG, say) on one root at the same time,
 * each with its own run id: each writes its own version directory, their Delta commits do not
 * collide, and the pointer ends at the newer version, whichever finishes first. The older one
 * is either published and then overtaken, or refused with a message naming the newer version.
 * The catalog's protocol itself, on file: and on S3, is {@code CatalogConcurrencyIT}'s.
 */
class ConcurrentRunsIT extends SparkTestBase {
  @TempDir
  Path tmp;

  @Test
  void twoRunsAtOnceGetTheirOwnVersionsAndTheNewerIsCurrent() throws Exception {
    String root = tmp.resolve("index").toUri().toString();
    Pipeline.run(spark, options(root), "first"); // version 1, current when both runs begin
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> runs = new ArrayList<>();
    for (String id : new String[] {"build-dag", "retrain-dag"}) {
      PipelineOptions o = options(root, PipelineOptions.STRATEGY, id.startsWith("build") ? "hybrid-pq" : "sq8");
      runs.add(pool.submit(() -> {
        go.await();
        try {
          return Pipeline.run(spark, o, id);
        } catch (ConcurrentPublishException refused) {
          return refused;
        }
      }));
    }
    go.countDown();
    List<Integer> versions = new ArrayList<>(); // published
    List<Integer> all = new ArrayList<>();
    int refused = 0;
    for (Future<Object> f : runs) {
      Object outcome = f.get();
      if (outcome instanceof PipelineResult r) {
        versions.add(r.version());
        all.add(r.version());
      } else {
        refused++;
        String message = ((Exception) outcome).getMessage();
        assertThat(message).contains("became current while this run built version").contains("Nothing was published");
        Matcher m = Pattern.compile("Version (\\d+) under").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        all.add(Integer.parseInt(m.group(1)));
      }
    }
    pool.shutdown();

    Configuration conf = spark.sparkContext().hadoopConfiguration();
    VersionCatalog catalog = new VersionCatalog(root, conf);
    assertThat(all).as("each run its own version").doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isGreaterThan(1));
    int newer = Math.max(all.get(0), all.get(1));
    CatalogPointer current = catalog.current();
    assertThat(current.version()).as("the newer run's version").isEqualTo(newer);
    assertThat(versions).contains(newer);
    assertThat(refused + versions.size()).isEqualTo(2);
    assertThat(current.generation()).as("switches: the first run's and each run published").isEqualTo(versions.size());
    if (refused == 1) {
      assertThat(catalog.isComplete(Math.min(all.get(0), all.get(1)))).as("a refused run writes no manifest").isFalse();
    }
    assertThat(PublishedIndex.manifest(root, conf).path("version").asInt()).isEqualTo(newer);
  }
}
