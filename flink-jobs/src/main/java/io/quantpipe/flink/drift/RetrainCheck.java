package io.quantpipe.flink.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.config.ConfFile;
import io.quantpipe.storage.IndexRoot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whether the current index version should be retrained: the retrain DAG's first task. It should
 * when nothing is published yet, when the version is older than {@code --max-age-days}, when the
 * drift marker under the index root ({@code --drift-marker}, a {@link io.quantpipe.drift.DriftReport}
 * JSON written by a monitor or by hand) reports drift for it, or when the stream job's drift topic
 * ({@code --drift-topic}) carries a drifted report for it since it was published. Drift of an
 * older version does not count: the version that replaced it was trained on newer data.
 *
 * <p>Exit codes: 0 retrain (the reason on stdout), {@code --skip-exit-code} (99) nothing to do,
 * 2 bad options, an unreadable index root or an unreachable broker.
 */
@Command(name = "retrain-check", mixinStandardHelpOptions = true,
    description = "Exit 0 when the current index version drifted or is too old, 99 when not.")
public final class RetrainCheck implements Callable<Integer> {
  @Option(names = "--index", required = true, description = "The index root (path, file: or s3a:// URI).")
  String index;

  @Option(names = "--max-age-days", defaultValue = "30", description = "Retrain a version older than this.")
  double maxAgeDays;

  @Option(names = "--drift-marker", description = "A drift report file, relative to the index root.")
  String marker;

  @Option(names = "--drift-topic", description = "The stream job's drift topic.")
  String topic;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers of the drift topic.")
  String bootstrapServers;

  @Option(names = "--hadoop", paramLabel = "KEY=VALUE", description = "A Hadoop setting for the index root.")
  List<String> hadoop = new ArrayList<>();

  @Option(names = "--skip-exit-code", defaultValue = "99", description = "Exit code for 'nothing to do'.")
  int skipExitCode;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RetrainCheck()).execute(args));
  }

  /** The check's answer: retrain or not, and why. */
  public record Decision(boolean retrain, String reason) {}

  @Override
  public Integer call() {
    try {
      Decision d = decide(Instant.now());
      System.out.println((d.retrain() ? "retrain: " : "no retrain: ") + d.reason());
      return d.retrain() ? 0 : skipExitCode;
    } catch (Exception e) {
      System.err.println("retrain-check: " + e.getMessage());
      return 2;
    }
  }

  /**
   * Decides as of {@code now}, reading the index root, the marker and the topic.
   *
   * @throws IllegalArgumentException for inconsistent options
   * @throws Exception when the root, the marker or the broker cannot be read
   */
  public Decision decide(Instant now) throws Exception {
    if (topic != null && !topic.isBlank() && (bootstrapServers == null || bootstrapServers.isBlank())) {
      throw new IllegalArgumentException("--drift-topic " + topic + " needs --bootstrap-servers");
    }
    Map<String, String> conf = new LinkedHashMap<>();
    for (String kv : hadoop) {
      var e = ConfFile.parseOverride(kv, "--hadoop");
      conf.put(e.getKey(), e.getValue());
    }
    try (BlobStore store = new IndexRoot(index, conf).open()) {
      byte[] pointerBytes = store.read(CatalogPointer.FILE);
      if (pointerBytes == null) {
        return new Decision(true, "nothing is published under " + index + " yet");
      }
      CatalogPointer pointer = CatalogPointer.parse(pointerBytes, store.describe(CatalogPointer.FILE));
      byte[] manifest = store.read(pointer.manifestPath());
      if (manifest == null) {
        throw new IllegalStateException("The current version's manifest is missing: "
            + store.describe(pointer.manifestPath()));
      }
      pointer.checkManifest(manifest, store.describe(pointer.manifestPath()));
      int version = pointer.version();
      JsonNode createdField = new ObjectMapper().readTree(manifest).path("created");
      // A manifest without its publish time (an old publisher's) has no age: only drift can retrain it.
      Instant created = createdField.isTextual() ? Instant.parse(createdField.asText()) : Instant.EPOCH;
      double ageDays = createdField.isTextual() ? Duration.between(created, now).toSeconds() / 86400.0 : 0;
      if (ageDays > maxAgeDays) {
        return new Decision(true, String.format(java.util.Locale.ROOT,
            "version %d is %.1f days old (max-age-days %s)", version, ageDays, maxAgeDays));
      }
      if (marker != null && !marker.isBlank()) {
        byte[] m = store.read(marker);
        Optional<String> reason = m == null ? Optional.empty() : DriftTopicReader.drifted(m, version);
        if (reason.isPresent()) {
          return new Decision(true, "drift marker " + store.describe(marker) + " reports drift of version "
              + version + ": " + reason.get());
        }
      }
      if (topic != null && !topic.isBlank()) {
        Optional<String> reason = new DriftTopicReader(bootstrapServers, topic)
            .firstDrift(version, created.toEpochMilli());
        if (reason.isPresent()) {
          return new Decision(true, "drift topic " + topic + " reports drift of version " + version + ": "
              + reason.get());
        }
      }
      return new Decision(false, String.format(java.util.Locale.ROOT,
          "version %d, %.1f days old (max %s), has no drift report (marker %s, topic %s)", version, ageDays,
          maxAgeDays, marker == null || marker.isBlank() ? "none" : marker,
          topic == null || topic.isBlank() ? "none" : topic));
    }
  }
}
