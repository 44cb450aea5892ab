package io.quantpipe.spark.migrate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/quantpipe migrate}: re-encodes the current version of an index with another strategy
 * (or a new codebook: the same strategy with another seed or options) into a new version. The
 * input is the current version's float32 table ({@code input/}), the options are those its
 * manifest records with the command's on top, and the pipeline's stages run as usual, but before
 * publishing {@link MigrationCheck} verifies that both versions hold the same ids and counts.
 * A failed stage, the quality gate or the check leave the new directory without a manifest and
 * the current version current; the old version stays until retention removes it
 * ({@code retain-versions}), and {@code bin/quantpipe rollback} points back to it. Exit codes: 0
 * published, 2 bad options or a failed check, 3 the quality gate failed, 1 anything else.
 *
 * <p>The options only; {@link Migration} does the work (the one CLI reads these options without
 * Spark on its classpath, so nothing here names a Spark type).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Re-encode the current index version with another strategy or codebook and publish it as a new version.")
public final class MigrateJob implements Callable<Integer> {
  @Option(names = "--index", required = true, description = "The index root (path or Hadoop URI).")
  String index;

  @Option(names = "--strategy", description = "The new strategy (default: the current one, e.g. for a new codebook).")
  String strategy;

  @Option(names = "--conf", description = "A profile applied over the current version's options (spark.* settings, S3A).")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides an option, e.g. pq-m=32 or seed=7.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf.")
  List<String> sparkConfs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new MigrateJob()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    return Migration.run(this);
  }
}
