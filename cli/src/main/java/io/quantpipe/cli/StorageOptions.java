package io.quantpipe.cli;

import io.quantpipe.config.ConfFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * The storage options of the commands that read or repoint an index root without Spark
 * ({@code stats}, {@code rollback}): a profile whose {@code spark.hadoop.*} keys reach storage and
 * single {@code --hadoop KEY=VALUE} settings. A picocli mixin; one per command invocation.
 */
public final class StorageOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "A pipeline profile whose spark.hadoop.* keys reach storage.")
  public Path conf;

  @Option(names = "--hadoop", paramLabel = "KEY=VALUE", description = "A Hadoop setting for the index root (after --conf).")
  List<String> hadoop = new ArrayList<>();

  /**
   * Storage settings: retries turned down, so an unreachable endpoint fails in seconds (S3A's
   * defaults retry for minutes), then the profile's {@code spark.hadoop.*} keys, then {@code --hadoop}.
   *
   * @throws IllegalArgumentException for a malformed {@code --hadoop} or profile line (named)
   */
  public Configuration configuration() throws IOException {
    Configuration c = new Configuration();
    c.set("fs.s3a.attempts.maximum", "1");
    c.set("fs.s3a.retry.limit", "1");
    c.set("fs.s3a.retry.interval", "100ms");
    c.set("fs.s3a.connection.establish.timeout", "5s");
    c.set("fs.s3a.connection.timeout", "10s");
    if (conf != null) {
      for (Map.Entry<String, String> e : ConfFile.read(conf).entrySet()) {
        if (e.getKey().startsWith("spark.hadoop.")) {
          c.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
        }
      }
    }
    for (String kv : hadoop) {
      Map.Entry<String, String> e = ConfFile.parseOverride(kv, "--hadoop");
      c.set(e.getKey(), e.getValue());
    }
    return c;
  }
}
