package io.quantpipe.spark.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.io.FvecsInput;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.jobs.TrainJob;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** PQ training on Spark: byte-identical whatever the partitioning, and equal to plain Java. */
class DistributedKMeansIT extends SparkTestBase {
  private static final PqParams PARAMS = new PqParams(16, 3, 7);

  private static float[][] trainWith(int partitions, FloatVectors sample) throws Exception {
    Dataset<Row> rows = FvecsInput.read(spark, SIFTSMALL.resolve("base.fvecs").toString(), partitions);
    JavaRDD<VectorBlock> blocks = VectorBlocks.of(rows, 128, 7, 0);
    try {
      assertThat(blocks.getNumPartitions()).isEqualTo(partitions);
      return TrainJob.trainPq(blocks, sample, PARAMS, 1.0, Similarity.EUCLIDEAN);
    } finally {
      blocks.unpersist(false);
    }
  }

  @Test
  void sameCodebooksFor1And3And8PartitionsAndEqualToPlainJava() throws Exception {
    FloatVectors base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"));
    FloatVectors sample = CorpusStatistics.of(base, base.count(), 7).sample().vectors(); // the whole corpus
    float[][] one = trainWith(1, sample);
    float[][] three = trainWith(3, sample);
    float[][] eight = trainWith(8, sample);
    for (int j = 0; j < PARAMS.m(); j++) {
      assertThat(Arrays.equals(one[j], three[j])).as("subspace %d, 1 vs 3 partitions", j).isTrue();
      assertThat(Arrays.equals(one[j], eight[j])).as("subspace %d, 1 vs 8 partitions", j).isTrue();
    }
    // Plain Java trains on the same rows (the sample is the whole corpus) in the same steps.
    ProductQuantizer local = PqTrainer.train(sample, Similarity.EUCLIDEAN, PARAMS, 5, 2);
    ProductQuantizer distributed = new ProductQuantizer(Similarity.EUCLIDEAN, 128, one);
    byte[] a = new byte[local.codeBytes()];
    byte[] b = new byte[distributed.codeBytes()];
    for (int i = 0; i < base.count(); i += 97) {
      local.encode(base.get(i), a, 0);
      distributed.encode(base.get(i), b, 0);
      assertThat(b).as("code of vector %d", i).isEqualTo(a);
    }
  }

  /**
   * 4-bit PQ (ksub 16, what TrainJob passes for pq4): the same codebooks on 1 and 3 partitions and
   * in plain Java, so an executor and a local run give every vector the same packed code.
   */
  @Test
  void pq4CodebooksAndCodesEqualPlainJava() throws Exception {
    PqParams pq4 = new PqParams(16, PqParams.KSUB_4BIT, 3, 7);
    FloatVectors base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"));
    FloatVectors sample = CorpusStatistics.of(base, base.count(), 7).sample().vectors();
    float[][][] books = new float[2][][];
    int[] partitions = {1, 3};
    for (int p = 0; p < 2; p++) {
      Dataset<Row> rows = FvecsInput.read(spark, SIFTSMALL.resolve("base.fvecs").toString(), partitions[p]);
      JavaRDD<VectorBlock> blocks = VectorBlocks.of(rows, 128, 7, 0);
      books[p] = TrainJob.trainPq(blocks, sample, pq4, 1.0, Similarity.EUCLIDEAN);
      blocks.unpersist(false);
    }
    assertThat(books[0]).isDeepEqualTo(books[1]);
    assertThat(books[0][0]).hasSize(16 * 8);
    ProductQuantizer local = PqTrainer.train(sample, Similarity.EUCLIDEAN, pq4, 5, 2);
    ProductQuantizer distributed = new ProductQuantizer(Similarity.EUCLIDEAN, 128, pq4.ksub(), books[0]);
    assertThat(distributed.codeBytes()).isEqualTo(8);
    byte[] a = new byte[8];
    byte[] b = new byte[8];
    for (int i = 0; i < base.count(); i += 97) {
      local.encode(base.get(i), a, 0);
      distributed.encode(base.get(i), b, 0);
      assertThat(b).as("code of vector %d", i).isEqualTo(a);
    }
  }

  @Test
  void sampleFractionIsIndependentOfPartitioning() throws Exception {
    Dataset<Row> rows = FvecsInput.read(spark, SIFTSMALL.resolve("base.fvecs").toString(), 2);
    FloatVectors base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"));
    float[][] init = PqTrainer.initialCodebooks(CorpusStatistics.of(base, 2000, 3).sample().vectors(), PARAMS);
    var spec = new DistributedKMeans.Spec(128, 16, PqParams.KSUB, 2, 0.3, 3, Similarity.EUCLIDEAN);
    JavaRDD<VectorBlock> two = VectorBlocks.of(rows, 128, 3, 0);
    JavaRDD<VectorBlock> five = VectorBlocks.of(rows.repartition(5), 128, 3, 0);
    float[][] a = DistributedKMeans.run(two, init, spec);
    float[][] b = DistributedKMeans.run(five, init, spec);
    two.unpersist(false);
    five.unpersist(false);
    assertThat(a).isDeepEqualTo(b);
    assertThat(a).isNotEqualTo(init);
  }
}
