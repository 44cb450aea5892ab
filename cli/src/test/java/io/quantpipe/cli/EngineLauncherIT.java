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
  }

  @Test
  void helpOfAnEngineCommandNeedsNoEngine() throws Exception {
    Run r = cli("stream-demo", "--help");
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).contains("Usage: quantpipe stream-demo").doesNotContain("log out/logs");
  }

  private record Run(int code, String output) {}

  private Run cli(String... args) throws IOException, InterruptedException {
    Path target = Path.of("target").toAbsolutePath();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquantpipe.home=" + System.getProperty("quantpipe.home"), "-cp",
        target.resolve("classes") + File.pathSeparator + Files.readString(target.resolve("runtime-classpath.txt")).strip(),
        QuantpipeCli.class.getName()));
    cmd.addAll(List.of(args));
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
