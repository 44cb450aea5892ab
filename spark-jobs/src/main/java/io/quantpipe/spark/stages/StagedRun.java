package io.quantpipe.spark.stages;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * One pipeline run under an index root: the version directory it writes into and the records its
 * stages leave there. A run is named by a run id (Airflow's DAG and run id, or a generated one for
 * {@code bin/quantpipe pipeline}); {@code import} allocates the version and records it in
 * {@code ROOT/runs/ID.json}, and every later stage finds it there, so the tasks of one DAG run,
 * each its own {@code spark-submit}, share one version directory.
 *
 * <pre>
 * ROOT/runs/ID.json                    {"run_id": "...", "version": 7, "started_from": "{pointer}"}
 * ROOT/versions/v-000007/stages/       import.json ... gate.json, statistics.qps, queries.fvecs
 * </pre>
 *
 * {@code started_from} is the pointer when the run began (JSON null when nothing was published):
 * publish compares the pointer with it ({@link VersionCatalog#publish}). Runs with different ids
 * may run at once on one root, each in its own version; a retried task finds its run's version
 * again and overwrites its own stage's output. Not safe for two concurrent runs with the same id
 * (the DAGs run one at a time: {@code max_active_runs = 1}).
 */
public final class StagedRun {
  static final String RUNS = "runs";
  static final String STAGES = "stages";
  /** Characters kept in a run file name; others (Airflow's ':' and '+') become '_'. */
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String runId;
  private final int version;
  private final boolean startKnown;
  private final CatalogPointer startedFrom;
  private final VersionCatalog catalog;
  private final IndexStore stages;
  private final String versionUri;
  private final Configuration conf;

  private StagedRun(String root, String runId, int version, boolean startKnown, CatalogPointer startedFrom,
                    Configuration conf) throws IOException {
    this.runId = runId;
    this.version = version;
    this.startKnown = startKnown;
    this.startedFrom = startedFrom;
    this.conf = conf;
    this.catalog = new VersionCatalog(root, conf);
    this.versionUri = catalog.versionUri(version);
    this.stages = new IndexStore(versionUri + "/" + STAGES, conf);
  }

  /**
   * The run's version: allocated on first call, the same one when a retried {@code import} calls
   * again.
   */
  public static StagedRun start(String root, String runId, Configuration conf) throws IOException {
    IndexStore runs = new IndexStore(root + "/" + RUNS, conf);
    String file = fileName(runId);
    if (runs.exists(file)) {
      return open(root, runId, conf);
    }
    VersionCatalog catalog = new VersionCatalog(root, conf);
    CatalogPointer startedFrom = catalog.current();
    int version = catalog.createNext("run '" + runId + "'");
    ObjectNode node = JSON.createObjectNode().put("run_id", runId).put("version", version);
    node.put("started_from", startedFrom == null ? null : new String(startedFrom.toBytes(), StandardCharsets.UTF_8).strip());
    runs.writeString(file, JSON.writeValueAsString(node) + "\n");
    return new StagedRun(root, runId, version, true, startedFrom, conf);
  }

  /** A run {@code import} started; an error naming the run when there is none. */
  public static StagedRun open(String root, String runId, Configuration conf) throws IOException {
    IndexStore runs = new IndexStore(root + "/" + RUNS, conf);
    String file = fileName(runId);
    if (!runs.exists(file)) {
      throw new IllegalStateException(String.format(
          "No run '%s' under %s (no %s/%s): run stage 'import' with this --run-id first", runId, root, RUNS, file));
    }
    var node = JSON.readTree(runs.readBytes(file));
    if (!runId.equals(node.path("run_id").asText())) { // two ids that differ only in unsafe characters
      throw new IllegalStateException(String.format("Run file %s/%s belongs to run '%s', not '%s'", RUNS, file,
          node.path("run_id").asText(), runId));
    }
    // Run files written before started_from was recorded publish without the comparison.
    boolean known = node.has("started_from");
    CatalogPointer from = known && !node.get("started_from").isNull()
        ? CatalogPointer.parse(node.get("started_from").asText().getBytes(StandardCharsets.UTF_8), runs.path(file).toString())
        : null;
    return new StagedRun(root, runId, node.path("version").asInt(), known, from, conf);
  }

  /**
   * Deletes the run files whose version retention removed, so {@code runs/} holds only live runs.
   *
   * @return the run ids forgotten
   */
  public static java.util.List<String> forgetRetired(String root, Configuration conf) throws IOException {
    IndexStore runs = new IndexStore(root + "/" + RUNS, conf);
    java.util.List<Integer> live = new VersionCatalog(root, conf).versions();
    java.util.List<String> forgotten = new java.util.ArrayList<>();
    if (!runs.fileSystem().exists(runs.root())) {
      return forgotten;
    }
    for (var status : runs.fileSystem().listStatus(runs.root())) {
      var node = JSON.readTree(runs.readBytes(status.getPath().getName()));
      if (!live.contains(node.path("version").asInt())) {
        runs.fileSystem().delete(status.getPath(), false);
        forgotten.add(node.path("run_id").asText());
      }
    }
    return forgotten;
  }

  static String fileName(String runId) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("--run-id must not be blank");
    }
    return UNSAFE.matcher(runId).replaceAll("_") + ".json";
  }

  public String runId() {
    return runId;
  }

  public int version() {
    return version;
  }

  /** The version directory this run writes into. */
  public String versionUri() {
    return versionUri;
  }

  /** The version's {@code index/} directory. */
  public String indexDir() {
    return versionUri + "/" + PublishedIndex.INDEX_DIR;
  }

  /**
   * The pointer publish compares with: the one when the run began (null: nothing was published), or
   * for a run file that did not record it, the pointer now.
   */
  public CatalogPointer startedFrom() throws IOException {
    return startKnown ? startedFrom : catalog.current();
  }

  public VersionCatalog catalog() {
    return catalog;
  }

  public Configuration conf() {
    return conf;
  }

  /** A file in the run's {@code stages/} directory. */
  public String stageFile(String name) {
    return stages.path(name).toString();
  }

  /** Writes a file into the run's {@code stages/} directory (replacing an earlier attempt's). */
  public void writeFile(String name, byte[] bytes) throws IOException {
    stages.writeBytes(name, bytes);
  }

  public byte[] readFile(String name) throws IOException {
    return stages.readBytes(name);
  }

  /** Records what {@code stage} did, replacing the record of an earlier attempt. */
  public void write(Stage stage, Object record) throws IOException {
    stages.writeString(stage.cliName() + ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record));
  }

  public boolean has(Stage stage) throws IOException {
    return stages.exists(stage.cliName() + ".json");
  }

  /**
   * What {@code stage} recorded; an error saying which stage must run first when it has not.
   *
   * @param reader the stage that needs the record, for the message
   */
  public <T> T read(Stage stage, Class<T> type, Stage reader) throws IOException {
    try {
      return JSON.readValue(new String(stages.readBytes(stage.cliName() + ".json"), StandardCharsets.UTF_8), type);
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(String.format("Stage '%s' of run '%s' needs stage '%s' to have run first "
          + "(no %s)", reader.cliName(), runId, stage.cliName(), stageFile(stage.cliName() + ".json")), e);
    }
  }
}
