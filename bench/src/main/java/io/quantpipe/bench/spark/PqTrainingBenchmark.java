package io.quantpipe.bench.spark;

import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.RetrievalMetrics;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.search.SearchResult;
import io.quantpipe.spark.PipelineDriver;
import io.quantpipe.spark.PipelineJob;
import io.quantpipe.spark.io.FvecsInput;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.jobs.TrainJob;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * PQ codebook training on Spark, quantpipe's job against what a Spark user would write instead:
 * MLlib's {@code KMeans}, one fit per subspace. Both start from the same k-means++ centroids (MLlib's
 * {@code setInitialModel}), run the same number of Lloyd iterations (MLlib with epsilon 0, so it
 * does not stop early) over the same cached data on the same local Spark, and the resulting
 * codebooks are measured by PQ recall@10 (ADC over the whole corpus) against exact neighbours.
 *
 * <p>Usage: {@code PqTrainingBenchmark DATASET_DIR METRIC M ITERATIONS [ROUNDS]}; prints one
 * Markdown row per engine. MLlib is provided (spark-mllib is on bin/quantpipe's local classpath,
 * not in the job jar).
 */
public final class PqTrainingBenchmark {
  private PqTrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Similarity sim = Similarity.fromCliName(args[1]);
    int m = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    Dataset data = Dataset.load(dir, sim, 10, 2);
    SparkSession spark = PipelineDriver.session(PipelineOptions.fromMap(Map.of("input", dir.toString(), "output", "unused",
        "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "4")));
    try {
      int dim = data.base().dim();
      PqParams params = new PqParams(m, iterations, 42);
      FloatVectors prepared = data.base().prepared(sim);
      FloatVectors sample = CorpusStatistics.of(prepared, prepared.count(), 42).sample().vectors();
      JavaRDD<VectorBlock> blocks = VectorBlocks.of(FvecsInput.read(spark, dir.resolve("base.fvecs").toString(),
          spark.sparkContext().defaultParallelism()), dim, 42, 0);
      blocks.count();
      float[][] init = PqTrainer.initialCodebooks(sample, params);
      List<JavaRDD<Vector>> subspaces = subspaceRdds(blocks, sim, m, dim);

      double ours = Double.MAX_VALUE;
      double mllib = Double.MAX_VALUE;
      float[][] ourBooks = null;
      float[][] mllibBooks = null;
      for (int r = 0; r < rounds; r++) { // alternate, keep each engine's best: the machine is shared
        long t0 = System.nanoTime();
        ourBooks = TrainJob.trainPq(blocks, sample, params, 1.0, sim);
        ours = Math.min(ours, (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        mllibBooks = mllib(subspaces, init, iterations, dim / m);
        mllib = Math.min(mllib, (System.nanoTime() - t0) / 1e9);
      }
      double ourRecall = recall(data, new ProductQuantizer(sim, dim, ourBooks));
      double mllibRecall = recall(data, new ProductQuantizer(sim, dim, mllibBooks));
      System.out.printf("| %s | M=%d, k=256, %d iterations, n=%d | quantpipe %.2f s | MLlib %.2f s | %.1fx |"
              + " recall@10 %.4f vs %.4f |%n", dir.getFileName(), m, iterations, data.base().count(), ours, mllib,
          mllib / ours, ourRecall, mllibRecall);
    } finally {
      spark.stop();
    }
  }

  private static List<JavaRDD<Vector>> subspaceRdds(JavaRDD<VectorBlock> blocks, Similarity sim, int m, int dim) {
    int dsub = dim / m;
    List<JavaRDD<Vector>> out = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      int first = j * dsub;
      JavaRDD<Vector> rdd = blocks.flatMap(b -> {
        FloatVectors rows = b.vectors().prepared(sim);
        List<Vector> vs = new ArrayList<>(rows.count());
        for (int i = 0; i < rows.count(); i++) {
          double[] v = new double[dsub];
          for (int d = 0; d < dsub; d++) {
            v[d] = rows.data()[rows.offset(i) + first + d];
          }
          vs.add(Vectors.dense(v));
        }
        return vs.iterator();
      }).persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      out.add(rdd);
    }
    return out;
  }

  private static float[][] mllib(List<JavaRDD<Vector>> subspaces, float[][] init, int iterations, int dsub) {
    float[][] books = new float[subspaces.size()][];
    for (int j = 0; j < subspaces.size(); j++) {
      Vector[] start = new Vector[PqParams.KSUB];
      for (int c = 0; c < start.length; c++) {
        double[] v = new double[dsub];
        for (int d = 0; d < dsub; d++) {
          v[d] = init[j][c * dsub + d];
        }
        start[c] = Vectors.dense(v);
      }
      KMeansModel model = new KMeans().setK(PqParams.KSUB).setMaxIterations(iterations).setEpsilon(0)
          .setInitialModel(new KMeansModel(start)).run(subspaces.get(j).rdd());
      books[j] = new float[PqParams.KSUB * dsub];
      Vector[] centers = model.clusterCenters();
      for (int c = 0; c < centers.length; c++) {
        for (int d = 0; d < dsub; d++) {
          books[j][c * dsub + d] = (float) centers[c].apply(d);
        }
      }
    }
    return books;
  }

  private static double recall(Dataset data, ProductQuantizer pq) {
    QuantizedSearcher searcher = new QuantizedSearcher(pq.encodeAll(data.base()), 0);
    double sum = 0;
    for (int q = 0; q < data.queries().count(); q++) {
      SearchResult r = searcher.search(data.queries().get(q), 10);
      sum += RetrievalMetrics.recall(r.ids(), data.groundTruth()[q], 10);
    }
    return sum / data.queries().count();
  }
}
