package io.quantpipe.spark.jobs;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.hnsw.HnswPartitionBuilder;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsWriter;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Builds one HNSW graph per coarse partition on the executors. Vectors are shuffled by their coarse
 * partition and sorted by id within it (so a graph does not depend on the input order), each task
 * builds the graphs of the partitions it holds with common-quant's {@link HnswPartitionBuilder} on
 * one thread (byte-identical files on retry), writes the {@code .qph} graph and the {@code .fvecs}
 * rescoring vectors to local disk, and copies them into the index directory. Only per-partition
 * figures return to the driver.
 *
 * <p>Executor memory: one coarse partition's float vectors plus its graph (about
 * {@code n_p·(4·dim + 8·M)} bytes), so P must grow with the corpus.
 */
public final class HnswJob {
  private HnswJob() {}

  /** One written partition, as {@code index.json} lists it. */
  public record Built(int centroid, int nodes, long vectorsCrc, long graphBytes, double buildSeconds)
      implements Serializable {}

  /** Sorts (partition, id) keys. */
  static final class KeyOrder implements Comparator<Tuple2<Integer, Long>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<Integer, Long> a, Tuple2<Integer, Long> b) {
      int c = Integer.compare(a._1(), b._1());
      return c != 0 ? c : Long.compare(a._2(), b._2());
    }
  }

  /** Sends every row of a coarse partition to one task. */
  static final class CoarsePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final HashPartitioner hash;

    CoarsePartitioner(int tasks) {
      this.hash = new HashPartitioner(tasks);
    }

    @Override
    public int numPartitions() {
      return hash.numPartitions();
    }

    @SuppressWarnings("unchecked")
    @Override
    public int getPartition(Object key) {
      return hash.getPartition(((Tuple2<Integer, Long>) key)._1());
    }
  }

  /**
   * @param indexDir the index directory URI, which already holds {@code quantizer.qpa}
   * @param artifactBytes the shipped quantizer's bytes, or {@code null} for float32 graphs
   * @param scores what each graph is linked on (the file holds the same codes either way)
   * @param tasks Spark tasks building graphs (each builds the partitions hashed to it)
   * @return the partitions built, by centroid
   */
  public static List<Built> run(JavaRDD<VectorBlock> blocks, CoarseQuantizer coarse, byte[] artifactBytes,
      HnswConfig config, HnswPartitionBuilder.BuildScores scores, int tasks, String indexDir) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    jsc.setJobGroup("hnsw", "build HNSW partitions (P=" + coarse.count() + ")", false);
    Broadcast<float[]> centroids = jsc.broadcast(EncodeJob.centroidRows(coarse));
    int p = coarse.count();
    int dim = coarse.dimension();
    Similarity sim = coarse.similarity();
    JavaPairRDD<Tuple2<Integer, Long>, float[]> keyed = blocks.flatMapToPair(b -> {
      CoarseQuantizer c = new CoarseQuantizer(centroids.value(), p, dim, sim); // per block: P·dim floats, cheap
      List<Tuple2<Tuple2<Integer, Long>, float[]>> out = new ArrayList<>(b.size());
      for (int i = 0; i < b.size(); i++) {
        float[] v = b.row(i);
        out.add(new Tuple2<>(new Tuple2<>(c.assign(v), b.ids()[i]), v));
      }
      return out.iterator();
    });
    SerializableConfiguration conf = new SerializableConfiguration(jsc.hadoopConfiguration());
    byte[] shipped = artifactBytes == null ? new byte[0] : artifactBytes;
    List<Built> built = keyed.repartitionAndSortWithinPartitions(new CoarsePartitioner(Math.max(1, tasks)), new KeyOrder())
        .mapPartitions(rows -> buildAll(rows, dim, sim, shipped, config, scores, indexDir, conf).iterator())
        .collect();
    centroids.destroy();
    List<Built> sorted = new ArrayList<>(built);
    sorted.sort(Comparator.comparingInt(Built::centroid));
    return sorted;
  }

  private static List<Built> buildAll(Iterator<Tuple2<Tuple2<Integer, Long>, float[]>> rows, int dim, Similarity sim,
      byte[] artifactBytes, HnswConfig config, HnswPartitionBuilder.BuildScores scores, String indexDir,
      SerializableConfiguration conf)
      throws IOException, InterruptedException {
    QuantizerArtifact artifact = artifactBytes.length == 0 ? null : QuantizerCodec.read(artifactBytes, "quantizer");
    IndexStore store = new IndexStore(indexDir, conf.value());
    List<Built> out = new ArrayList<>();
    Path local = Files.createTempDirectory("quantpipe-hnsw-");
    try {
      int current = -1;
      List<Long> ids = new ArrayList<>();
      FloatBuffer vectors = new FloatBuffer(dim);
      while (rows.hasNext()) {
        Tuple2<Tuple2<Integer, Long>, float[]> row = rows.next();
        if (row._1()._1() != current && current >= 0) {
          out.add(buildOne(current, ids, vectors, sim, artifact, config, scores, local, store));
        }
        current = row._1()._1();
        ids.add(row._1()._2());
        vectors.add(row._2());
      }
      if (current >= 0) {
        out.add(buildOne(current, ids, vectors, sim, artifact, config, scores, local, store));
      }
    } finally {
      try (var files = Files.list(local)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(local);
    }
    return out;
  }

  private static Built buildOne(int centroid, List<Long> idList, FloatBuffer buffer, Similarity sim,
      QuantizerArtifact artifact, HnswConfig config, HnswPartitionBuilder.BuildScores scores, Path local,
      IndexStore store)
      throws IOException, InterruptedException {
    long[] ids = idList.stream().mapToLong(Long::longValue).toArray();
    FloatVectors vectors = buffer.drain();
    idList.clear();
    Path graph = local.resolve(IndexManifest.graphFile(centroid));
    Path floats = local.resolve(IndexManifest.vectorsFile(centroid));
    var result = HnswPartitionBuilder.build(vectors, ids, sim, artifact, config, scores, 1, graph);
    FvecsWriter.writeFvecs(floats, vectors);
    long crc = IndexStore.crc32c(floats);
    long graphBytes = Files.size(graph);
    store.upload(graph, IndexManifest.graphFile(centroid));
    store.upload(floats, IndexManifest.vectorsFile(centroid));
    return new Built(centroid, ids.length, crc, graphBytes, result.buildSeconds());
  }

  /** A growable row-major float buffer. */
  private static final class FloatBuffer {
    private final int dim;
    private float[] data = new float[1024];
    private int rows;

    FloatBuffer(int dim) {
      this.dim = dim;
    }

    void add(float[] v) {
      if ((rows + 1) * dim > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, (rows + 1) * dim));
      }
      System.arraycopy(v, 0, data, rows * dim, dim);
      rows++;
    }

    FloatVectors drain() {
      FloatVectors out = new FloatVectors(java.util.Arrays.copyOf(data, rows * dim), dim);
      rows = 0;
      return out;
    }
  }

  /** The {@code index.json} that lists the partitions built, for the serving reader. */
  public static IndexManifest indexManifest(List<Built> built, io.quantpipe.vector.Similarity metric, int dim,
      Long quantizerCrc, int centroids, long centroidsCrc, HnswConfig config) {
    List<IndexManifest.Partition> parts = new java.util.ArrayList<>();
    for (Built b : built) {
      parts.add(new IndexManifest.Partition(b.centroid(), IndexManifest.graphFile(b.centroid()),
          IndexManifest.vectorsFile(b.centroid()), b.nodes(), b.vectorsCrc()));
    }
    return new IndexManifest(IndexManifest.VERSION_CURRENT, metric, dim, quantizerCrc, centroids, centroidsCrc, config,
        parts);
  }
}
