package io.quantpipe.cli;

import io.quantpipe.bench.BenchCommand;
import io.quantpipe.bench.stream.StreamDemo;
import io.quantpipe.flink.StreamQuantizerJob;
import io.quantpipe.flink.drift.RetrainCheck;
import io.quantpipe.serving.ServeCommand;
import io.quantpipe.spark.PipelineJob;
import io.quantpipe.spark.advise.AdviseCommand;
import io.quantpipe.spark.migrate.MigrateJob;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code quantpipe} command: one entry point with a subcommand per job, like {@code git} or the
 * {@code flink} CLI. {@code quantpipe --help} is the table of contents; every subcommand has
 * {@code --help} with its options, defaults and an example.
 *
 * <p>Commands over the library (stats, evaluate, rollback, ...) run in this JVM. Commands backed by
 * Spark, Flink or the benchmarks are parsed here, so help, validation and suggestions are the
 * same, and then run by {@link EngineLauncher} in a JVM of their {@link Engine}, which runs this
 * same class again with {@code -Dquantpipe.engine} set and so executes them in-process. Their
 * classes hold options only (no engine type in a signature), which is what lets this JVM read them.
 *
 * <p>Exit codes, everywhere: 0 done; 2 bad input or options (one line on stderr naming what and
 * why, and for a mistyped command or option the closest valid one); 3 the quality gate failed; 1
 * anything else.
 */
@Command(name = "quantpipe", mixinStandardHelpOptions = true, versionProvider = QuantpipeCli.Version.class,
    description = "Compress vector-search corpora: train quantizers over the full corpus on Spark, publish quantized "
        + "shards and HNSW partitions as versioned releases, quantize streaming inserts on Flink, and measure memory, "
        + "compression, recall@k and latency.",
    footer = {"", "Run 'quantpipe COMMAND --help' for a command's options and an example.",
        "Exit codes: 0 done, 2 bad input or options, 3 quality gate failed, 1 anything else."})
public final class QuantpipeCli implements Runnable {
  /** Commands that run in a JVM of an engine, by name. */
  private static final Map<String, Engine> ENGINES = new LinkedHashMap<>();

  /** One example per command (and per subcommand), shown at the end of its help; tests parse each. */
  static final Map<String, String> EXAMPLES = Map.ofEntries(
      Map.entry("pipeline", "bin/quantpipe pipeline --conf conf/local.conf --strategy hybrid-sq8 --output out/index-sq8"),
      Map.entry("stats", "bin/quantpipe stats --index out/index --json out/stats.json"),
      Map.entry("evaluate", "bin/quantpipe evaluate --data data/siftsmall --metric l2 --k 10 --strategies sq8,pq,hybrid-pq"),
      Map.entry("advise", "bin/quantpipe advise --data data/siftsmall --metric l2 --corpus-size 1000000 --max-memory-gb 0.5 "
          + "--target-recall 0.95"),
      Map.entry("migrate", "bin/quantpipe migrate --index out/index --strategy sq8"),
      Map.entry("rollback", "bin/quantpipe rollback --index out/index"),
      Map.entry("stream", "bin/quantpipe stream --conf conf/stream-local.conf"),
      Map.entry("serve", "bin/quantpipe serve --conf conf/serve-local.conf --port 8080"),
      Map.entry("retrain-check", "bin/quantpipe retrain-check --index out/index --max-age-days 30 --drift-marker _DRIFT"),
      Map.entry("hnsw", "bin/quantpipe hnsw --data data/siftsmall --metric l2 --quantizer sq8 --ef 16,64"),
      Map.entry("drift-replay", "bin/quantpipe drift-replay --index out/index --data data/siftsmall --json out/drift.jsonl"),
      Map.entry("bench", "bin/quantpipe bench kernels --dims 128 --n 10000"),
      Map.entry("bench kernels", "bin/quantpipe bench kernels --dims 128,1536 --kernels flat,sq8 --json out/kernels.jsonl"),
      Map.entry("bench scale", "bin/quantpipe bench scale --sizes 10000,100000 --out out/bench-scale"),
      Map.entry("bench serve-load", "bin/quantpipe bench serve-load --url http://127.0.0.1:8080 --queries "
          + "data/siftsmall/query.fvecs --groundtruth data/siftsmall/groundtruth.ivecs --rates 100,200 --duration 10"),
      Map.entry("stream-demo", "bin/quantpipe stream-demo --data data/siftsmall --index out/stream-index --records 20000"),
      Map.entry("completion", "source <(bin/quantpipe completion)"),
      Map.entry("help", "bin/quantpipe help pipeline"));

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Show the engines' (Spark's, Flink's) whole log on the terminal, not only warnings.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String... args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // Quiet by default: library INFO lines are for --verbose (read before the first logger exists).
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
          Arrays.asList(args).contains("--verbose") ? "info" : "warn");
      // Hadoop warns on every start that it has no native library: the Java code paths are the ones we use.
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
    }
    CommandLine cli = commandLine();
    int code = cli.execute(args);
    cli.getOut().flush(); // commands print through these writers, not always a whole line at a time
    cli.getErr().flush();
    return code;
  }

  /** The whole command tree, with the exit-code handlers and the engine dispatch. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new QuantpipeCli());
    engine(cli, "pipeline", new PipelineJob(), Engine.SPARK);
    cli.addSubcommand("stats", new StatsCommand());
    cli.addSubcommand("evaluate", new EvaluateCommand());
    engine(cli, "advise", new AdviseCommand(), Engine.SPARK);
    engine(cli, "migrate", new MigrateJob(), Engine.SPARK);
    cli.addSubcommand("rollback", new RollbackCommand());
    engine(cli, "stream", new StreamQuantizerJob(), Engine.FLINK);
    engine(cli, "retrain-check", new RetrainCheck(), Engine.FLINK);
    engine(cli, "serve", new ServeCommand(), Engine.SERVING);
    cli.addSubcommand("hnsw", new HnswCommand());
    cli.addSubcommand("drift-replay", new DriftReplayCommand());
    engine(cli, "bench", new BenchCommand(), Engine.BENCH_SPARK);
    engine(cli, "stream-demo", new StreamDemo(), Engine.BENCH_FLINK);
    cli.addSubcommand("completion", completion());
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    addExamples(cli);
    // One pair of writers for the whole tree (set after the last subcommand, so every command has them).
    cli.setOut(new java.io.PrintWriter(System.out, true));
    cli.setErr(new java.io.PrintWriter(System.err, true));
    cli.setExecutionStrategy(QuantpipeCli::execute);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException || e instanceof IOException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 2;
      }
      commandLine.getErr().println("error: unexpected " + e);
      e.printStackTrace(commandLine.getErr());
      return 1;
    });
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("error: " + e.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr())) {
        suggestForUnknownOptions(c, args);
      }
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return 2;
    });
    return cli;
  }

  /**
   * A missing required option is reported before an unknown one, so {@code --cof x} would say only
   * that {@code --conf} is missing: name the unknown options too, with the closest valid ones.
   */
  private static void suggestForUnknownOptions(CommandLine command, String[] args) {
    java.util.List<String> unknown = new java.util.ArrayList<>();
    for (String arg : args) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (name.startsWith("-") && !name.equals("-") && command.getCommandSpec().findOption(name) == null
          && !command.getCommandSpec().subcommands().containsKey(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      CommandLine.UnmatchedArgumentException e = new CommandLine.UnmatchedArgumentException(command, unknown);
      command.getErr().println("error: Unknown option" + (unknown.size() > 1 ? "s: " : ": ") + String.join(", ", unknown));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, command.getErr());
    }
  }

  private static void addExamples(CommandLine cli) {
    for (CommandLine command : cli.getSubcommands().values()) {
      addExample(command);
      command.getSubcommands().values().forEach(QuantpipeCli::addExample);
    }
  }

  private static void addExample(CommandLine command) {
    String name = command.getCommandSpec().qualifiedName(" ").replaceFirst("^quantpipe ", "");
    String example = EXAMPLES.get(name);
    if (example == null) {
      throw new IllegalStateException("Command '" + name + "' has no example in QuantpipeCli.EXAMPLES");
    }
    command.getCommandSpec().usageMessage().footer("", "Example:", "  " + example);
  }

  private static void engine(CommandLine cli, String name, Object command, Engine engine) {
    cli.addSubcommand(name, command);
    ENGINES.put(name, engine);
  }

  /** Help and version here; an engine command in its engine's JVM unless this is one; the rest here. */
  private static int execute(ParseResult parsed) {
    if (CommandLine.executeHelpRequest(parsed) != null) {
      return 0;
    }
    if (parsed.hasSubcommand()) {
      String name = parsed.subcommand().commandSpec().name();
      Engine engine = ENGINES.get(name);
      if (engine != null && !engine.isCurrent()) {
        // A node's log is its output: the serving JVM logs INFO to the terminal as well as to its file.
        boolean verbose = ((QuantpipeCli) parsed.commandSpec().userObject()).verbose || engine == Engine.SERVING;
        try {
          return EngineLauncher.run(engine, name, parsed.originalArgs(), verbose);
        } catch (IOException e) {
          throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 1;
        }
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static CommandLine completion() {
    CommandLine c = new CommandLine(new AutoComplete.GenerateCompletion());
    c.getCommandSpec().name("completion");
    c.getCommandSpec().usageMessage().description(
        "Print a bash/zsh completion script for quantpipe: source <(bin/quantpipe completion)");
    return c;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The project version and the git revision it was built from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.get();
      return new String[] {"quantpipe " + b.version() + " (git " + b.revision() + ")"};
    }
  }
}
