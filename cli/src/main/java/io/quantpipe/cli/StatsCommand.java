package io.quantpipe.cli;

import io.quantpipe.storage.stats.IndexStatistics;
import io.quantpipe.storage.stats.IndexStatisticsReader;
import io.quantpipe.storage.stats.StoredIndexCheck;
import io.quantpipe.storage.stats.StatisticsReport;

import io.quantpipe.storage.StorageCheck;
import io.quantpipe.cli.StorageOptions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/quantpipe stats}: what a published index version holds (counts, training, memory
 * against float32, partition balance, evaluation figures, the versions under the root), read from
 * storage through Hadoop's FileSystem with no Spark session, so it answers in about two seconds, JVM start included.
 * Exit codes, as {@code PipelineJob}'s: 0 done, 2 bad options or an index that cannot be read
 * (nothing published, a corrupt or missing file, an unknown or incomplete version, unreachable
 * storage; one line on stderr naming the path and the reason), 1 anything unexpected. One instance
 * per invocation, not thread-safe.
 */
// Not mixinStandardHelpOptions: its -V/--version would take the --version this command selects with.
@Command(name = "stats",
    description = "Statistics of a published index version: vectors, training, memory, partitions, recall.")
public final class StatsCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--index", required = true, paramLabel = "URI",
      description = "The index root: a path or Hadoop URI (s3a://...).")
  String index;

  @Option(names = "--version", paramLabel = "N",
      description = "A complete version to describe (default: the current one).")
  Integer version;

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also write the statistics to FILE as one JSON object.")
  Path json;

  @Option(names = "--verify",
      description = "Also read every file of the version's index from storage and check its checksum "
          + "(reads the whole index; without it, stats reads only the manifests).")
  boolean verify;

  @Mixin
  StorageOptions storageOptions;

  @Spec
  CommandSpec spec;

  /** Runs the command with its output on {@code out} and {@code err}; returns the exit code (for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    StatsCommand command = new StatsCommand();
    CommandLine cli = new CommandLine(command).setOut(out).setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Configuration storage;
    try {
      storage = storageOptions.configuration();
    } catch (IOException e) {
      err.println("stats: Cannot read --conf " + storageOptions.conf + ": " + StorageCheck.firstLine(e));
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("stats: " + e.getMessage()); // a malformed --hadoop or profile line, named by ConfFile
      return 2;
    }
    try {
      IndexStatistics stats = IndexStatisticsReader.read(index, storage, version);
      out.print(StatisticsReport.text(stats));
      if (json != null) {
        writeJson(stats);
      }
      if (verify) {
        StoredIndexCheck.Verified checked = IndexStatisticsReader.verifyFiles(index, storage, stats.version());
        out.printf("%nverified: %,d index files, %,d bytes, every checksum matches%n", checked.files(), checked.bytes());
      }
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("stats: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("stats: " + explain(e));
      return 2;
    } catch (RuntimeException e) {
      String what = StorageCheck.diagnose(e); // S3A lets some SDK failures through unchecked
      if (what != null) {
        err.println("stats: Cannot read the index " + index + ": " + what + ". Cause: " + StorageCheck.firstLine(e));
        return 2;
      }
      err.println("stats: unexpected failure reading " + index + ": " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  private String explain(IOException e) {
    if (e instanceof io.quantpipe.format.CorruptArtifactException) {
      return e.getMessage(); // names the file, the expected and the found values
    }
    String what = e instanceof FileNotFoundException ? null : StorageCheck.diagnose(e);
    return "Cannot read the index " + index + ": " + (what == null ? "" : what + ". Cause: ")
        + StorageCheck.firstLine(e);
  }

  private void writeJson(IndexStatistics stats) throws IOException {
    try {
      Files.writeString(json, StatisticsReport.json(stats));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write --json " + json + ": " + StorageCheck.firstLine(e), e);
    }
  }
}
