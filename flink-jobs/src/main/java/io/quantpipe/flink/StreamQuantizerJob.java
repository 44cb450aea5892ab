package io.quantpipe.flink;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stream job's entry point, for {@code flink run} and for {@code bin/quantpipe stream}: reads the
 * conf profile, applies {@code --set} on top and runs {@link StreamPipeline}. The options only: the one
 * CLI reads them without Flink on its classpath, so nothing here names a Flink type. Exit codes: 0
 * done, 2 bad options or an unusable index root, 1 any other failure.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Encode streaming inserts from Kafka with the published codebooks, exactly once.")
public final class StreamQuantizerJob implements Callable<Integer> {
  @Option(names = "--conf", required = true, description = "Conf profile (key = value lines), e.g. conf/stream-local.conf.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides any option of the conf file.")
  List<String> sets = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamQuantizerJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return StreamPipeline.run(this);
  }
}
