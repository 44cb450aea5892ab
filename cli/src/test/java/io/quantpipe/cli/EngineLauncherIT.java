package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as {@code bin/quantpipe} runs it (its own classpath, in a JVM of its own) starting an
 * engine command for real in a JVM of that engine: the Flink module's jar and classpath, with the
 * log in a file under {@code out/logs/}, the exit code passed through.
 */
class EngineLauncherIT {
  @TempDir
  Path dir;

  @Test
  void aFlinkCommandRunsInAFlinkJvmAndItsBadInputExitsTwo() throws Exception {
    Path profile = dir.resolve("stream.conf");
    Files.writeString(profile, "index = " + dir.resolve("nowhere") + "\nnot-a-key = 1\n");
    Run r = cli("stream", "--conf", profile.toString());
    assertThat(r.code()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("quantpipe stream: log out/logs/stream-").contains("Unknown option 'not-a-key'")
        .contains("quantpipe stream: exit 2; the engine's log is ");
  }

  @Test
  void thePipelineIsQuietWithALinePerStageAndItsTable() throws Exception {
    Path repo = Path.of(System.getProperty("quantpipe.home")).toAbsolutePath().normalize();
    Run r = cli("pipeline", "--conf", repo.resolve("conf/local.conf").toString(), "--input",
        repo.resolve("data/siftsmall").toString(), "--output", dir.resolve("index").toString());
    assertThat(r.code()).as(r.output()).isZero();
    List<String> lines = r.output().lines().toList();
    assertThat(lines).as(r.output()).hasSizeLessThanOrEqualTo(40);
    assertThat(lines.get(0)).startsWith("quantpipe pipeline: log out/logs/pipeline-");
    String[] stages = {"import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate", "gate", "publish"};
    for (int i = 0; i < stages.length; i++) {
      assertThat(r.output()).containsPattern("(?m)^\\[" + (i + 1) + "/9\\] " + stages[i] + " +done in ");
    }
    assertThat(r.output()).contains("hybrid-pq        10,000").contains("published version 1 at ")
        .doesNotContain(" INFO ");
    Path log = repo.resolve(lines.get(0).substring("quantpipe pipeline: log ".length()));
    assertThat(Files.readString(log)).as("the engine's log file").contains(" INFO ").contains("SparkContext");
    servesTheSparkPublishedIndex(dir.resolve("index"));
  }

  /** {@code quantpipe serve} on what the pipeline just published: a node in a JVM of the serving module. */
  private void servesTheSparkPublishedIndex(Path index) throws Exception {
    Path portFile = dir.resolve("port");
    Path out = dir.resolve("serve.log");
    List<String> cmd = cliCommand("serve", "--index", index.toString(), "--port", "0", "--cache-dir",
        dir.resolve("cache").toString(), "--set", "host=127.0.0.1", "--set", "port-file=" + portFile);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(portFile) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(portFile).as(Files.readString(out)).exists();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + Files.readString(portFile).strip();
      java.net.http.HttpResponse<String> health = null;
      while (System.nanoTime() < deadline && (health == null || health.statusCode() != 200)) {
        Thread.sleep(200);
        health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/health")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      }
      assertThat(health.statusCode()).as(health.body() + Files.readString(out)).isEqualTo(200);
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      var stats = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/stats"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      // The pipeline's own figures (bin/quantpipe stats), and the parameters it evaluated with as the defaults.
      assertThat(stats.path("statistics").path("corpus").path("strategy").asText()).isEqualTo("hybrid-pq");
      assertThat(stats.path("statistics").path("evaluation").path("recall_at_k").asDouble()).isGreaterThan(0.9);
      assertThat(stats.path("search_defaults").path("source").asText()).isEqualTo("manifest evaluation");
      float[] query = io.quantpipe.vector.FvecsReader.readFvecs(
          Path.of(System.getProperty("quantpipe.home")).resolve("data/siftsmall/query.fvecs"), 1).get(0);
      var search = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/search"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"k\": 3, \"vector\": "
              + java.util.Arrays.toString(query) + "}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
      assertThat(json.readTree(search.body()).path("hits").size()).isEqualTo(3);
      assertThat(Files.readString(out)).contains("quantpipe serve: log out/logs/serve-").contains("Ready: serving version 1");
    } finally {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
    // The node wrote its class-data archive as it stopped, and the launcher kept it for the next start.
    try (var archives = Files.list(Path.of(System.getProperty("quantpipe.home")).resolve("out").resolve("cds"))) {
      assertThat(archives.map(f -> f.getFileName().toString())).anyMatch(n -> n.matches("serving-[0-9a-f]{8}\\.jsa"));
    }
  }

  @Test
  void helpOfAnEngineCommandNeedsNoEngine() throws Exception {
    Run r = cli("stream-demo", "--help");
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).contains("Usage: quantpipe stream-demo").doesNotContain("log out/logs");
  }

  private record Run(int code, String output) {}

  /** The command line bin/quantpipe runs: the CLI's classes and classpath in a JVM of their own. */
  private static List<String> cliCommand(String... args) throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquantpipe.home=" + System.getProperty("quantpipe.home"), "-cp",
        target.resolve("classes") + File.pathSeparator + Files.readString(target.resolve("runtime-classpath.txt")).strip(),
        QuantpipeCli.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Run cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = cliCommand(args);
    Path log = dir.resolve("cli.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException("the CLI did not finish in 3 minutes: " + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log));
  }
}
