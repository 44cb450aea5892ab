package io.quantpipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quantpipe} command line: one launcher ({@code bin/quantpipe}) with a subcommand per
 * job. Exit codes: 0 success, 2 bad input or arguments (one line on stderr naming what and why),
 * 1 an unexpected failure.
 */
@Command(name = "quantpipe", mixinStandardHelpOptions = true, versionProvider = QuantpipeCli.Version.class,
    description = "Compress vector-search corpora: train quantizers, encode, evaluate recall and memory.",
    subcommands = {EvaluateCommand.class, AdviseCommand.class, HnswCommand.class, DriftReplayCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class QuantpipeCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new QuantpipeCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 2;
      }
      commandLine.getErr().println("error: unexpected " + e);
      e.printStackTrace(commandLine.getErr());
      return 1;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println("Run 'bin/quantpipe " + e.getCommandLine().getCommandName() + " --help' for usage.");
      return 2;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the jar's Implementation-Version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"quantpipe " + io.quantpipe.format.QuantizerManifest.projectVersion()};
    }
  }
}
