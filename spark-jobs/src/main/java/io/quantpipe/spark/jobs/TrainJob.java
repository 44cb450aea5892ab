package io.quantpipe.spark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.kmeans.KMeans;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.kmeans.DistributedKMeans;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.stats.TrainingSample;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.FloatVectors;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Calibrate and train: one pass collects common-quant's mergeable statistics over the full corpus
 * ({@link CorpusStatistics}: count, ranges, exact sums, a calibration sample; plus a larger seeded
 * {@link TrainingSample} for k-means++), combined with {@code treeAggregate}. Scalar and binary
 * quantizers are trained from them by {@link StrategyTrainer}; PQ codebooks and the coarse (IVF)
 * centroids by k-means++ on the sample, then {@link DistributedKMeans} Lloyd passes over the corpus
 * (or a seeded fraction of it). Everything here is independent of the Spark partitioning.
 */
public final class TrainJob {
  /** Coarse k-means++ reads at most this many sample vectors per centroid (FAISS warns above 256). */
  static final int COARSE_SAMPLES_PER_CENTROID = 256;

  private TrainJob() {}

  /**
   * A trained quantizer as shipped.
   *
   * @param artifact the decoded artifact
   * @param bytes the artifact's bytes, exactly as written to storage
   */
  public record Trained(QuantizerArtifact artifact, byte[] bytes) {}

  /**
   * The statistics one pass collects: the calibration figures and the k-means++ sample. Mergeable;
   * not thread-safe. Serializable because Spark ships partial ones between tasks and the driver,
   * and the {@code calibrate} stage stores the merged one for the stages after it.
   */
  public static final class Statistics implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final CorpusStatistics corpus;
    final TrainingSample sample;

    public Statistics(int dim, int calibrationSamples, int trainSamples, long seed) {
      corpus = new CorpusStatistics(dim, calibrationSamples, seed);
      sample = new TrainingSample(trainSamples, seed);
    }

    public CorpusStatistics corpus() {
      return corpus;
    }

    public TrainingSample sample() {
      return sample;
    }

    Statistics add(VectorBlock block, io.quantpipe.vector.Similarity similarity) {
      FloatVectors rows = block.vectors().prepared(similarity);
      for (int i = 0; i < rows.count(); i++) {
        corpus.add(block.ids()[i], rows.data(), rows.offset(i), rows.dim());
        sample.add(block.ids()[i], rows.data(), rows.offset(i), rows.dim());
      }
      return this;
    }

    Statistics merge(Statistics other) {
      corpus.merge(other.corpus);
      sample.merge(other.sample);
      return this;
    }
  }

  /** Calibrate: one pass over the corpus collecting {@link Statistics}, merged by {@code treeAggregate}. */
  public static Statistics calibrate(JavaRDD<VectorBlock> blocks, int dim, PipelineOptions options) {
    var sim = options.metric();
    blocks.context().setJobGroup("calibrate", "calibrate: corpus statistics", false);
    Statistics stats = blocks.treeAggregate(
        new Statistics(dim, options.calibrationSamples(), options.trainSamples(), options.seed()),
        (s, block) -> s.add(block, sim), Statistics::merge, VectorBlocks.treeDepth(blocks));
    if (stats.corpus.count() == 0) {
      throw new IllegalArgumentException("Cannot train: the corpus is empty after holding out evaluation queries");
    }
    return stats;
  }

  /**
   * Train: the strategy's quantizer from the statistics (scalar, binary) or by k-means over the
   * corpus (PQ).
   *
   * @return the artifact, or {@code null} for {@code none} (float32 needs no model)
   */
  public static Trained train(JavaRDD<VectorBlock> blocks, Statistics stats, int dim, PipelineOptions options)
      throws IOException {
    blocks.context().setJobGroup("train", "train " + options.strategy().name(), false);
    Quantizer quantizer = trainQuantizer(blocks, stats, dim, options);
    if (quantizer == null) {
      return null;
    }
    Map<String, Object> params = StrategyTrainer.describe(options.strategy(), dim, trainingOptions(options),
        (int) Math.min(Integer.MAX_VALUE, stats.corpus.count()));
    params.put("trained_on", stats.corpus.count());
    if (options.strategy().productQuantized()) { // Lloyd passes read the corpus, not only the sample
      params.put("init_points", stats.sample.size());
      params.put("train_points", Math.round(stats.corpus.count() * options.pqSampleFraction()));
      params.put("sample_fraction", options.pqSampleFraction());
    }
    params.put("data_fingerprint", stats.corpus.fingerprint().hashHex());
    byte[] bytes = QuantizerCodec.toBytes(quantizer, new ObjectMapper().writeValueAsString(params));
    return new Trained(QuantizerCodec.read(bytes, "trained quantizer"), bytes);
  }

  static TrainingOptions trainingOptions(PipelineOptions o) {
    return new TrainingOptions(o.seed(), o.pqM(), o.pqIterations(), o.trainSamples(), o.calibrationSamples(), true, 1);
  }

  private static Quantizer trainQuantizer(JavaRDD<VectorBlock> blocks, Statistics stats, int dim, PipelineOptions o) {
    Strategy strategy = o.strategy();
    if (!strategy.productQuantized()) {
      return StrategyTrainer.train(strategy, stats.corpus, o.metric(), trainingOptions(o));
    }
    PqParams params = StrategyTrainer.pqParams(strategy, dim, trainingOptions(o));
    float[][] codebooks = trainPq(blocks, stats.sample.vectors(), params, o.pqSampleFraction(), o.metric());
    return new ProductQuantizer(o.metric(), dim, params.ksub(), codebooks);
  }

  /**
   * PQ codebooks: {@link PqTrainer#initialCodebooks} on the (prepared) sample, then Lloyd passes
   * over the corpus. Public for the MLlib comparison, which trains on the same data.
   */
  public static float[][] trainPq(JavaRDD<VectorBlock> blocks, FloatVectors preparedSample, PqParams params,
      double fraction, io.quantpipe.vector.Similarity similarity) {
    float[][] initial = PqTrainer.initialCodebooks(preparedSample, params);
    var spec = new DistributedKMeans.Spec(preparedSample.dim(), params.m(), params.ksub(), params.iterations(),
        fraction, params.seed(), similarity);
    return DistributedKMeans.run(blocks, initial, spec);
  }

  /** Coarse partitioning: k-means++ on the sample, then Lloyd passes over the corpus. */
  public static CoarseQuantizer trainCoarse(JavaRDD<VectorBlock> blocks, TrainingSample sample, int dim,
      PipelineOptions o) {
    blocks.context().setJobGroup("coarse", "coarse partitioning: k-means, P=" + o.partitions(), false);
    int p = o.partitions();
    if (sample.size() < p) {
      throw new IllegalArgumentException(String.format(
          "Cannot split the corpus into partitions=%d: only %d vectors were sampled (train-samples=%d); "
              + "lower 'partitions' or raise 'train-samples'", p, sample.size(), o.trainSamples()));
    }
    FloatVectors prepared = sample.vectors();
    int n = Math.min(prepared.count(), p * COARSE_SAMPLES_PER_CENTROID);
    float[] init = KMeans.initPlusPlus(prepared.data(), 0, dim, n, dim, p, o.seed());
    var spec = new DistributedKMeans.Spec(dim, 1, p, o.coarseIterations(), o.pqSampleFraction(), o.seed(), o.metric());
    float[] centroids = DistributedKMeans.run(blocks, new float[][] {init}, spec)[0];
    return new CoarseQuantizer(centroids, p, dim, o.metric());
  }
}
