package io.quantpipe.spark.jobs;

import io.quantpipe.index.IndexManifest;
import io.quantpipe.spark.io.HadoopFvecs;
import io.quantpipe.spark.io.IndexStore;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.spark.io.PublishedIndex;
import io.quantpipe.spark.io.StorageCheck;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.io.VersionCatalog;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch pipeline, stage by stage: storage check, import, calibrate and train, coarse
 * partitioning, encode, HNSW partitions, evaluate, publish. Every stage writes into a new version
 * directory; the manifest is written last and the current-version pointer switched after it, so a
 * failed run leaves the previous version current.
 *
 * <pre>
 * versions/v-NNNNNN/input/      canonical input table (Parquet: id, vector)
 *                   rejected/   rejected rows (id, reason, vector)
 *                   shards/     quantized Parquet shards (id, partition, code, codebook_version[, vector])
 *                   delta/      the shards as a Delta table partitioned by partition
 *                   index/      index.json, quantizer.qpa, centroids.fvecs, part-NNNNN.qph/.fvecs
 *                   manifest.json
 * </pre>
 */
public final class Pipeline {
  private Pipeline() {}

  public static PipelineResult run(SparkSession spark, PipelineOptions o) throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, Double> seconds = new LinkedHashMap<>();
    long t = System.nanoTime();
    StorageCheck.checkWritable(o.output(), hadoop);
    String root = IndexStore.qualified(o.output(), hadoop); // executors must not resolve it against their own cwd
    InputSource source = InputSource.resolve(o, hadoop);
    VersionCatalog catalog = new VersionCatalog(root, hadoop);
    int version = catalog.createNext();
    String dir = catalog.versionUri(version);
    String indexDir = dir + "/" + PublishedIndex.INDEX_DIR;

    ImportJob.Result imported = ImportJob.run(spark, o, source, dir + "/input", dir + "/rejected");
    t = lap(seconds, "import", t);

    Dataset<Row> table = spark.read().parquet(imported.inputTable());
    long holdOut = source.queries() == null ? VectorBlocks.holdOutThreshold(o.evalQueries(), imported.valid()) : 0;
    JavaRDD<VectorBlock> blocks = VectorBlocks.of(table, imported.dim(), o.seed(), holdOut);
    try {
      FloatVectors queries = source.queries() != null
          ? HadoopFvecs.readFvecs(source.queries(), hadoop, o.evalQueries())
          : heldOutQueries(table, imported.dim(), o.seed(), holdOut, o.evalQueries());
      if (queries.dim() != imported.dim()) {
        throw new IllegalArgumentException(String.format("Queries %s have dimension %d, the corpus %d",
            source.queries(), queries.dim(), imported.dim()));
      }

      TrainJob.Result trained = TrainJob.run(blocks, imported.dim(), o);
      seconds.put("calibrate", trained.calibrateSeconds());
      seconds.put("train", trained.quantizerSeconds());
      seconds.put("coarse", trained.coarseSeconds());
      t = System.nanoTime();
      IndexStore index = new IndexStore(indexDir, hadoop);
      if (trained.artifactBytes() != null) {
        index.writeBytes(IndexManifest.QUANTIZER_FILE, trained.artifactBytes());
      }
      writeCentroids(index, trained);

      EncodeJob.Result encoded = EncodeJob.run(spark, blocks, trained.artifactBytes(), trained.coarse(), version,
          o.includeVectors(), dir + "/shards", o.delta() ? dir + "/delta" : null);
      t = lap(seconds, "encode", t);

      int tasks = Math.min(o.partitions(), Math.max(1, spark.sparkContext().defaultParallelism()) * 4);
      List<HnswJob.Built> built = HnswJob.run(blocks, trained.coarse(), trained.artifactBytes(), o.hnsw(), tasks,
          indexDir);
      String indexJson = indexManifest(o, imported.dim(), trained, built, index).toJson();
      index.writeString(IndexManifest.FILE, indexJson);
      t = lap(seconds, "hnsw", t);

      List<Integer> centroids = new ArrayList<>();
      built.forEach(b -> centroids.add(b.centroid()));
      EvaluateJob.Result eval = EvaluateJob.run(blocks, queries, trained.coarse(), centroids, indexDir, o.evalK(),
          o.evalEf(), o.evalNprobe(), o.searchOversample());
      t = lap(seconds, "evaluate", t);

      PipelineResult result = PipelineResult.of(version, dir, o, imported, trained, encoded, built, eval,
          source, queries, seconds, IndexStore.crc32c(indexJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      catalog.publish(version, result.manifestJson());
      catalog.applyRetention(o.retainVersions());
      lap(seconds, "publish", t);
      return result;
    } finally {
      blocks.unpersist(false);
    }
  }

  private static long lap(Map<String, Double> seconds, String stage, long since) {
    long now = System.nanoTime();
    seconds.put(stage, (now - since) / 1e9);
    return now;
  }

  /** The held-out rows (about {@code wanted} of them), read back from the canonical table. */
  private static FloatVectors heldOutQueries(Dataset<Row> table, int dim, long seed, long below, int wanted) {
    List<Row> rows = table.select("id", "vector").toJavaRDD()
        .filter(r -> VectorBlocks.isHeldOut(r.getLong(0), seed, below)).collect();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("No queries: the input has no query file and no rows were held out");
    }
    int n = Math.min(wanted, rows.size());
    float[] data = new float[n * dim];
    for (int i = 0; i < n; i++) {
      List<Float> v = rows.get(i).getList(1);
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = v.get(j);
      }
    }
    return new FloatVectors(data, dim);
  }

  private static void writeCentroids(IndexStore index, TrainJob.Result trained) throws IOException {
    Path local = Files.createTempFile("quantpipe-centroids-", ".fvecs");
    try {
      FvecsWriter.writeFvecs(local, new FloatVectors(EncodeJob.centroidRows(trained.coarse()),
          trained.coarse().dimension()));
      index.upload(local, IndexManifest.CENTROIDS_FILE);
    } finally {
      Files.deleteIfExists(local);
    }
  }

  private static IndexManifest indexManifest(PipelineOptions o, int dim, TrainJob.Result trained,
      List<HnswJob.Built> built, IndexStore index) throws IOException {
    List<IndexManifest.Partition> parts = new ArrayList<>();
    for (HnswJob.Built b : built) {
      parts.add(new IndexManifest.Partition(b.centroid(), IndexManifest.graphFile(b.centroid()),
          IndexManifest.vectorsFile(b.centroid()), b.nodes(), b.vectorsCrc()));
    }
    long centroidsCrc = IndexStore.crc32c(index.readBytes(IndexManifest.CENTROIDS_FILE));
    Long quantizerCrc = trained.artifact() == null ? null : trained.artifact().crc32c();
    return new IndexManifest(IndexManifest.VERSION_CURRENT, o.metric(), dim, quantizerCrc, trained.coarse().count(),
        centroidsCrc, o.hnsw(), parts);
  }
}
