package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.vector.FvecsReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a pipeline run, {@code bin/quantpipe pipeline} in JVMs of its own as in
 * production, during each stage in turn: import, train, encode, hnsw, and publish between its
 * manifest and its pointer (held there by {@value VersionCatalog#PAUSE_BEFORE_POINTER_KEY}). After
 * each kill the previous version is still current and answers queries; the same run, resumed with
 * its run id, finishes its version; and a killed run that nobody resumes is debris that the next
 * run's retention removes.
 */
class KilledRunIT {
  private static final Path REPO = Path.of(System.getProperty("quantpipe.home")).toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void aRunKilledInAnyStageLosesNothingAndResumes() throws Exception {
    String root = dir.resolve("index").toUri().toString();
    Configuration conf = new Configuration();
    VersionCatalog catalog = new VersionCatalog(root, conf);
    Process base = pipeline("base", false);
    assertThat(base.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(base.exitValue()).as(output(base)).isZero();
    assertThat(catalog.current().version()).isEqualTo(1);

    String[][] kills = { // stage killed, and the output line that says it has begun
        {"import", null}, {"train", "[2/9] calibrate"}, {"encode", "[4/9] coarse"}, {"hnsw", "[5/9] encode"},
        {"publish", null}};
    for (String[] kill : kills) {
      String stage = kill[0];
      CatalogPointer before = catalog.current();
      int versionsBefore = catalog.versions().size();
      Process p = pipeline("killed-in-" + stage, stage.equals("publish"));
      if (stage.equals("import")) { // as soon as the run has claimed its version
        await(p, () -> versions(catalog) > versionsBefore, stage);
      } else if (stage.equals("publish")) { // the manifest is written, the pointer not yet switched
        await(p, () -> completeAbove(catalog, before.version()), stage);
      } else {
        await(p, () -> done(p, kill[1]), stage);
      }
      killTree(p);

      assertThat(catalog.current()).as("the pointer after a kill in %s", stage).isEqualTo(before);
      searchable(root, conf, stage);

      Process resumed = pipeline("killed-in-" + stage, false);
      assertThat(resumed.waitFor(3, TimeUnit.MINUTES)).as("the resumed run of %s", stage).isTrue();
      assertThat(resumed.exitValue()).as(output(resumed)).isZero();
      assertThat(catalog.current().version()).as("the resumed run's version").isGreaterThan(before.version());
      searchable(root, conf, stage + ", resumed");
    }

    // Killed and never resumed: the next run's retention removes the debris (immediately here).
    int lastGood = catalog.current().version();
    Process abandoned = pipeline("abandoned", false);
    await(abandoned, () -> done(abandoned, "[4/9] coarse"), "encode");
    killTree(abandoned);
    int debris = catalog.versions().get(catalog.versions().size() - 1);
    assertThat(debris).isGreaterThan(lastGood);
    Process next = pipeline("next", false, "--spark-conf", "spark.hadoop." + VersionCatalog.ABANDONED_AFTER_KEY + "=0");
    assertThat(next.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(next.exitValue()).as(output(next)).isZero();
    assertThat(catalog.versions()).doesNotContain(debris).contains(catalog.current().version());
    assertThat(catalog.current().version()).isGreaterThan(debris);
  }

  private static int versions(VersionCatalog catalog) {
    try {
      return catalog.versions().size();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean completeAbove(VersionCatalog catalog, int version) {
    try {
      for (int v : catalog.versions()) {
        if (v > version && catalog.isComplete(v)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** The current version opens and answers a query (10 hits). */
  private void searchable(String root, Configuration conf, String when) throws IOException {
    Path local = Files.createTempDirectory(dir, "served-");
    PartitionedIndex index = PublishedIndex.open(root, conf, local);
    float[] query = FvecsReader.readFvecs(REPO.resolve("data/siftsmall/query.fvecs")).get(0);
    assertThat(index.search(query, 10, 64, 4, 4, null).size()).as("hits after %s", when).isEqualTo(10);
  }

  /** {@code bin/quantpipe pipeline} (the local profile on siftsmall, 4 partitions) under {@code runId}, output to a file. */
  private Process pipeline(String runId, boolean holdBeforePointer, String... extra) throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquantpipe.home=" + REPO, "-cp",
        target.resolve("classes") + File.pathSeparator + Files.readString(target.resolve("runtime-classpath.txt")).strip(),
        QuantpipeCli.class.getName(), "pipeline", "--conf", REPO.resolve("conf/local.conf").toString(),
        "--input", REPO.resolve("data/siftsmall").toString(), "--output", dir.resolve("index").toString(),
        "--set", "partitions=4", "--set", "eval-queries=20", "--run-id", runId,
        "--spark-conf", "spark.hadoop." + VersionCatalog.PAUSE_BEFORE_POINTER_KEY + "=" + (holdBeforePointer ? 120_000 : 0),
        // A publish killed while it holds the root's lease leaves it to lapse: 20 s here, not 5 minutes.
        "--spark-conf", "spark.hadoop." + VersionCatalog.LEASE_KEY + "=20000"));
    cmd.addAll(List.of(extra));
    Path log = dir.resolve(runId + "-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    logs.put(p, log);
    return p;
  }

  private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();

  private String output(Process p) {
    try {
      return Files.readString(logs.get(p));
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether the run printed the line that ends the stage labelled {@code label} ("[4/9] coarse"). */
  private boolean done(Process p, String label) {
    return output(p).lines().anyMatch(l -> l.contains(label) && l.contains(" done in "));
  }

  private void await(Process p, BooleanSupplier condition, String stage) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!condition.getAsBoolean()) {
      assertThat(p.isAlive()).as("the run to kill in %s ended first: %s", stage, output(p)).isTrue();
      assertThat(System.nanoTime()).as("waiting for stage %s: %s", stage, output(p)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** SIGKILL to the CLI and the engine JVM it started: nothing runs a shutdown hook. */
  private static void killTree(Process p) throws InterruptedException {
    List<ProcessHandle> tree = p.descendants().toList(); // before the parent dies and they are re-parented
    tree.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    for (ProcessHandle h : tree) {
      h.onExit().join();
    }
  }
}
