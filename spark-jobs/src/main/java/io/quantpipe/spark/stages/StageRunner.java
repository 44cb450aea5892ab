package io.quantpipe.spark.stages;

import io.quantpipe.eval.SearchTuning;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.spark.io.PublishedTable;
import io.quantpipe.spark.io.HadoopFvecs;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.storage.StorageCheck;
import io.quantpipe.storage.StorageFailureException;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.jobs.EncodeJob;
import io.quantpipe.spark.jobs.EvaluateJob;
import io.quantpipe.spark.jobs.HnswJob;
import io.quantpipe.spark.jobs.ImportJob;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.jobs.TrainJob;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.vector.FloatVectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * Runs stages of one pipeline run. Each stage reads what earlier stages wrote into the run's
 * version directory ({@link StagedRun}), so a stage can run in its own {@code spark-submit}; when
 * several run in one process ({@code bin/quantpipe pipeline}), what one stage computed (the cached
 * corpus, the statistics, the codebooks) is handed to the next without a read back.
 *
 * <p>Not thread-safe; one runner per run. {@link #close} releases the cached corpus.
 */
public final class StageRunner implements AutoCloseable {
  /**
   * Fault injection, for tests that make storage fail as a stage begins: {@code STAGE:MS} holds
   * that stage back {@code MS} milliseconds before it starts (default: none).
   */
  public static final String PAUSE_BEFORE_STAGE_KEY = "quantpipe.fault.pause-before-stage";
  private final Supplier<SparkSession> sessions;
  private final PipelineOptions o;
  private final String runId;
  private final Configuration hadoop;
  private final String root;
  private SparkSession spark;
  private StagedRun run;
  private StageRecords.Imported imported;
  private JavaRDD<VectorBlock> blocks;
  private TrainJob.Statistics stats;
  private TrainJob.Trained trained;
  private boolean trainedLoaded;
  private CoarseQuantizer coarse;

  /**
   * @param sessions makes the Spark session, called only when a stage needs Spark
   * @param hadoop the Hadoop configuration storage is reached with
   */
  public StageRunner(Supplier<SparkSession> sessions, Configuration hadoop, PipelineOptions options, String runId)
      throws IOException {
    this.sessions = sessions;
    this.hadoop = hadoop;
    this.o = options;
    this.runId = runId;
    this.root = IndexStore.qualified(options.output(), hadoop); // executors must not resolve it against their cwd
  }

  /** The run, once {@code import} started it or a later stage found it. */
  public StagedRun run() throws IOException {
    if (run == null) {
      run = StagedRun.open(root, runId, hadoop);
    }
    return run;
  }

  /**
   * Runs one stage and returns its record ({@link PipelineResult} for publish).
   *
   * @throws StorageFailureException when the store failed under the stage, after its retries
   */
  public Object run(Stage stage) throws IOException {
    if (stage == Stage.IMPORT) { // before the wrapping below: it explains its own failures, before any compute
      StorageCheck.checkWritable(o.output(), hadoop);
    }
    try {
      return runStage(stage);
    } catch (IOException | RuntimeException e) {
      StorageFailureException storage = StorageFailureException.of("Stage '" + stage.cliName() + "' of run '" + runId
          + "'", root, hadoop, this::leftBehind, e);
      if (storage == null) {
        throw e;
      }
      throw storage;
    }
  }

  /** What a failed stage leaves: the run's version unpublished, the current one as it was. */
  private String leftBehind() {
    if (run == null) {
      return "Nothing was published";
    }
    String current;
    try {
      var from = run.startedFrom(); // recorded when the run began: no request to the failing store
      current = "the current version is still " + (from == null ? "none" : "version " + from.version());
    } catch (IOException e) {
      current = "the current version is unchanged";
    }
    return "Version " + run.version() + " is not published; " + current + ". Resume with --run-id " + runId
        + " once the store answers, or run again";
  }

  private Object runStage(Stage stage) throws IOException {
    pauseIfInjected(stage);
    long t0 = System.nanoTime();
    switch (stage) {
      case IMPORT:
        return runImport(t0);
      case CALIBRATE:
        stats = TrainJob.calibrate(blocks(), dim(), o);
        run().writeFile(StatisticsFile.NAME, StatisticsFile.toBytes(stats));
        return record(stage, new StageRecords.Calibrated(stats.corpus().count(),
            stats.corpus().fingerprint().hashHex(), seconds(t0)));
      case TRAIN:
        trained = TrainJob.train(blocks(), stats(stage), dim(), o);
        trainedLoaded = true;
        if (trained != null) {
          index().writeBytes(IndexManifest.QUANTIZER_FILE, trained.bytes());
        }
        return record(stage, new StageRecords.Trained(trained == null ? 0 : trained.bytes().length,
            trained == null ? 0 : trained.artifact().crc32c(), seconds(t0)));
      case COARSE:
        coarse = TrainJob.trainCoarse(blocks(), stats(stage).sample(), dim(), o);
        HadoopFvecs.writeFvecs(index(), IndexManifest.CENTROIDS_FILE,
            new FloatVectors(EncodeJob.centroidRows(coarse), coarse.dimension()));
        return record(stage, new StageRecords.Coarse(coarse.count(), seconds(t0)));
      case ENCODE:
        EncodeJob.Result encoded = EncodeJob.run(spark(), blocks(), artifactBytes(stage), coarse(stage),
            run().version(), o.includeVectors(), run().versionUri() + "/shards");
        return record(stage, new StageRecords.Encoded(encoded, seconds(t0)));
      case HNSW:
        return runHnsw(t0);
      case EVALUATE:
        return runEvaluate(t0);
      case GATE:
        return runGate();
      case PUBLISH:
        return runPublish();
      default:
        throw new IllegalStateException("Unhandled stage " + stage);
    }
  }

  /** Fault injection for outage tests: {@value #PAUSE_BEFORE_STAGE_KEY} = STAGE:MS holds STAGE back MS ms. */
  private void pauseIfInjected(Stage stage) throws IOException {
    String value = hadoop.get(PAUSE_BEFORE_STAGE_KEY, "");
    if (value.isEmpty()) {
      return;
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(PAUSE_BEFORE_STAGE_KEY + " must be STAGE:MILLISECONDS; got '" + value + "'");
    }
    if (!value.substring(0, colon).equals(stage.cliName())) {
      return;
    }
    try {
      long ms = Long.parseLong(value.substring(colon + 1));
      System.err.printf("Fault injection (%s): stage %s waits %d ms%n", PAUSE_BEFORE_STAGE_KEY, stage.cliName(), ms);
      Thread.sleep(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PAUSE_BEFORE_STAGE_KEY + " must be STAGE:MILLISECONDS; got '" + value + "'");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted before stage " + stage.cliName());
    }
  }

  private StageRecords.Imported runImport(long t0) throws IOException {
    run = StagedRun.start(root, runId, hadoop);
    InputSource source = InputSource.resolve(o, hadoop);
    String dir = run.versionUri();
    ImportJob.Result result = ImportJob.run(spark(), o, source, dir + "/input", dir + "/rejected");
    EvaluationQueries q = EvaluationQueries.choose(spark(), o, source, result, run, hadoop);
    imported = new StageRecords.Imported(result, q.file(), q.source(), q.queries().count(), q.crc32c(),
        q.holdOutBelow(), seconds(t0));
    return record(Stage.IMPORT, imported);
  }

  private StageRecords.Built runHnsw(long t0) throws IOException {
    CoarseQuantizer c = coarse(Stage.HNSW);
    int tasks = Math.min(o.partitions(), Math.max(1, spark().sparkContext().defaultParallelism()) * 4);
    List<HnswJob.Built> built = HnswJob.run(blocks(), c, artifactBytes(Stage.HNSW), o.hnsw(), o.hnswBuildScores(), tasks,
        run().indexDir());
    IndexStore index = index();
    long centroidsCrc = IndexStore.crc32c(index.readBytes(IndexManifest.CENTROIDS_FILE));
    var trainedRecord = run().read(Stage.TRAIN, StageRecords.Trained.class, Stage.HNSW);
    Long quantizerCrc = trainedRecord.modelBytes() == 0 ? null : trainedRecord.quantizerCrc();
    String json = HnswJob.indexManifest(built, o.metric(), dim(), quantizerCrc, c.count(), centroidsCrc, o.hnsw())
        .toJson();
    index.writeString(IndexManifest.FILE, json);
    long crc = IndexStore.crc32c(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return record(Stage.HNSW, new StageRecords.Built(built, crc, seconds(t0)));
  }

  private StageRecords.Evaluated runEvaluate(long t0) throws IOException {
    StageRecords.Imported im = imported(Stage.EVALUATE);
    FloatVectors queries = HadoopFvecs.readFvecs(im.queries(), hadoop, o.evalQueries());
    List<Integer> centroids = new ArrayList<>();
    run().read(Stage.HNSW, StageRecords.Built.class, Stage.EVALUATE).partitions().forEach(b -> centroids.add(b.centroid()));
    EvaluateJob.Result eval = EvaluateJob.run(blocks(), queries, coarse(Stage.EVALUATE), centroids, run().indexDir(),
        o.evalK(), new SearchTuning.Setting(o.evalNprobe(), o.evalEf(), o.searchOversample()), o.targetRecall(),
        o.strategy().hybrid());
    byte[] artifact = artifactBytes(Stage.EVALUATE);
    // Not the training rows: a quantizer fits those better than the vectors that stream in later.
    Double baseline = artifact == null ? null
        : DriftBaseline.meanRelativeError(QuantizerCodec.read(artifact, IndexManifest.QUANTIZER_FILE).quantizer(),
            queries);
    return record(Stage.EVALUATE, new StageRecords.Evaluated(eval, baseline, seconds(t0)));
  }

  private StageRecords.Gated runGate() throws IOException {
    PipelineResult result = assemble(Stage.GATE);
    var verdict = o.gate().judge(result.evaluation().k(), result.evaluation().recallAtK(), result.compressionRatio());
    StageRecords.Gated gated = record(Stage.GATE, new StageRecords.Gated(verdict.passed(), result.compressionRatio(),
        verdict.checks()));
    if (!verdict.passed()) {
      throw new QualityGateException(String.format("quality gate failed for version %d of run '%s': %s; "
          + "nothing was published", run().version(), runId, verdict.failures()));
    }
    return gated;
  }

  private PipelineResult runPublish() throws IOException {
    StageRecords.Gated gated = run().read(Stage.GATE, StageRecords.Gated.class, Stage.PUBLISH);
    if (!gated.passed()) {
      throw new QualityGateException("Run '" + runId + "' failed its quality gate; version " + run().version()
          + " is not published");
    }
    PipelineResult result = assemble(Stage.PUBLISH);
    var current = run().catalog().current();
    if (current == null || current.version() != run().version()) { // a retried publish that already switched
      // Under the root's lease, after the pointer check: a refused publish commits nothing, and
      // concurrent runs commit to the root Delta table one at a time.
      PipelineResult assembled = result;
      PipelineResult[] published = {result};
      run().catalog().publish(run().version(), run().startedFrom(), () -> {
        if (o.delta()) { // the codes join the root Delta table first: the manifest records the commit
          published[0] = assembled.withDeltaVersion(PublishedTable.commit(spark(), run().versionUri() + "/shards",
              PublishedTable.uri(root), run().version()));
        }
        return published[0].manifestJson();
      });
      result = published[0];
    }
    run().catalog().applyRetention(o.retainVersions());
    StagedRun.forgetRetired(root, hadoop);
    return result;
  }

  /** The published form of the run, from every stage's record. */
  private PipelineResult assemble(Stage reader) throws IOException {
    StagedRun r = run();
    return PipelineResult.of(r.version(), r.versionUri(), o, imported(reader),
        r.read(Stage.CALIBRATE, StageRecords.Calibrated.class, reader),
        r.read(Stage.TRAIN, StageRecords.Trained.class, reader),
        r.read(Stage.COARSE, StageRecords.Coarse.class, reader),
        r.read(Stage.ENCODE, StageRecords.Encoded.class, reader),
        r.read(Stage.HNSW, StageRecords.Built.class, reader),
        r.read(Stage.EVALUATE, StageRecords.Evaluated.class, reader));
  }

  private <T> T record(Stage stage, T record) throws IOException {
    run().write(stage, record);
    return record;
  }

  private SparkSession spark() {
    if (spark == null) {
      spark = sessions.get();
    }
    return spark;
  }

  private IndexStore index() throws IOException {
    return new IndexStore(run().indexDir(), hadoop);
  }

  private StageRecords.Imported imported(Stage reader) throws IOException {
    if (imported == null) {
      imported = run().read(Stage.IMPORT, StageRecords.Imported.class, reader);
    }
    return imported;
  }

  private int dim() throws IOException {
    return imported(Stage.CALIBRATE).result().dim();
  }

  /** The corpus without the held-out queries, cached for the stages of this process. */
  private JavaRDD<VectorBlock> blocks() throws IOException {
    if (blocks == null) {
      StageRecords.Imported im = imported(Stage.CALIBRATE);
      blocks = VectorBlocks.of(spark().read().parquet(im.result().inputTable()), im.result().dim(), o.seed(),
          im.holdOutBelow());
    }
    return blocks;
  }

  private TrainJob.Statistics stats(Stage reader) throws IOException {
    if (stats == null) {
      run().read(Stage.CALIBRATE, StageRecords.Calibrated.class, reader); // names the missing stage
      stats = StatisticsFile.read(run().readFile(StatisticsFile.NAME), run().stageFile(StatisticsFile.NAME));
    }
    return stats;
  }

  /** The quantizer artifact's bytes, {@code null} for float32. */
  private byte[] artifactBytes(Stage reader) throws IOException {
    if (!trainedLoaded) {
      StageRecords.Trained t = run().read(Stage.TRAIN, StageRecords.Trained.class, reader);
      if (t.modelBytes() > 0) {
        byte[] bytes = index().readBytes(IndexManifest.QUANTIZER_FILE);
        trained = new TrainJob.Trained(QuantizerCodec.read(bytes, run().indexDir() + "/"
            + IndexManifest.QUANTIZER_FILE), bytes);
      }
      trainedLoaded = true;
    }
    return trained == null ? null : trained.bytes();
  }

  private CoarseQuantizer coarse(Stage reader) throws IOException {
    if (coarse == null) {
      StageRecords.Coarse c = run().read(Stage.COARSE, StageRecords.Coarse.class, reader);
      FloatVectors rows = HadoopFvecs.readFvecs(run().indexDir() + "/" + IndexManifest.CENTROIDS_FILE, hadoop,
          Integer.MAX_VALUE);
      if (rows.count() != c.partitions()) {
        throw new IllegalStateException(String.format("%s/%s holds %d centroids, stage 'coarse' recorded %d",
            run().indexDir(), IndexManifest.CENTROIDS_FILE, rows.count(), c.partitions()));
      }
      coarse = new CoarseQuantizer(rows.data(), rows.count(), rows.dim(), o.metric());
    }
    return coarse;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  @Override
  public void close() {
    if (blocks != null) {
      blocks.unpersist(false);
    }
  }
}
