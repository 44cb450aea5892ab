package io.quantpipe.serving;

import io.quantpipe.config.ConfFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantpipe serve}: starts a serving node and runs until it is stopped (SIGTERM or Ctrl-C:
 * running queries finish, then the port closes). Settings come from a profile ({@code --conf},
 * {@link ServeOptions}' keys), then the flags, then {@code --set KEY=VALUE}; the bearer token from
 * {@code QUANTPIPE_SERVE_TOKEN}. The same class is the main of the module's self-contained jar
 * ({@code java -jar serving-VERSION-node.jar --index ...}). Exit codes: 2 bad options, 1 a port
 * that cannot be bound or another failure to start.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a published index over HTTP: follow new versions without downtime, answer /v1/search.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--index", paramLabel = "URI", description = "The index root: a path, file: or Hadoop URI (s3a://bucket/index).")
  String index;

  @Option(names = "--port", paramLabel = "N", description = "The HTTP port (default 8080; 0 picks a free one).")
  Integer port;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where versions are copied and mapped from (default out/serve-cache).")
  Path cacheDir;

  @Option(names = "--conf", paramLabel = "FILE", description = "A serving profile (key = value lines), e.g. conf/serve-local.conf.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides any profile key (poll-ms, threads, hadoop.*, ...).")
  List<String> sets = new ArrayList<>();

  /** The node's settings: the profile, then the flags, then {@code --set}. */
  ServeOptions options() throws java.io.IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    if (conf != null) {
      settings.putAll(ConfFile.read(conf));
    }
    if (index != null) {
      settings.put(ServeOptions.INDEX, index);
    }
    if (port != null) {
      settings.put(ServeOptions.PORT, Integer.toString(port));
    }
    if (cacheDir != null) {
      settings.put(ServeOptions.CACHE_DIR, cacheDir.toString());
    }
    for (String kv : sets) {
      Map.Entry<String, String> e = ConfFile.parseOverride(kv, "--set");
      settings.put(e.getKey(), e.getValue());
    }
    return ServeOptions.fromMap(settings);
  }

  @Override
  public Integer call() throws Exception {
    ServeOptions options = options();
    ServingNode node = ServingNode.start(options, System.getenv(ServeOptions.TOKEN_ENV));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("quantpipe serve: error while stopping: " + e);
      }
    }, "serve-shutdown"));
    System.out.println("quantpipe serve: listening on http://" + options.host() + ":" + node.port() + " (index "
        + options.index() + "; GET /v1/health for readiness)");
    node.join();
    return 0;
  }

  /** The self-contained jar's entry point. */
  public static void main(String[] args) {
    try {
      NodeLog.configure(); // before the first logger is made
    } catch (java.io.IOException e) {
      System.err.println("error: cannot open the log: " + e.getMessage());
      System.exit(1);
    }
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("error: " + e.getMessage());
      return e instanceof IllegalArgumentException || e instanceof java.io.IOException && !(e.getMessage() != null
          && e.getMessage().startsWith("Cannot listen")) ? 2 : 1;
    });
    System.exit(cli.execute(args));
  }
}
