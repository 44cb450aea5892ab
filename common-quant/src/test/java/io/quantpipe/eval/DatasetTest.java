package io.quantpipe.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsWriter;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir
  Path dir;

  private void writeBase(int n) throws IOException {
    FvecsWriter.writeFvecs(dir.resolve("base.fvecs"), TestData.siftBase(n));
  }

  @Test
  void computesGroundTruthWhenAbsent() throws IOException {
    writeBase(500);
    FvecsWriter.writeFvecs(dir.resolve("query.fvecs"), TestData.siftBase(510).slice(500, 510));
    Dataset d = Dataset.load(dir, Similarity.EUCLIDEAN, 10, 2);
    assertThat(d.groundTruthSource()).isEqualTo("computed");
    assertThat(d.groundTruth()).hasNumberOfRows(10);
    assertThat(d.groundTruth()[0]).hasSize(100);
  }

  @Test
  void refusesQueriesOfAnotherDimension() throws IOException {
    writeBase(300);
    FvecsWriter.writeFvecs(dir.resolve("query.fvecs"), new FloatVectors(new float[64], 64));
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.EUCLIDEAN, 10, 1))
        .hasMessage(dir.resolve("query.fvecs") + ": record 0: dimension 64 differs from the base vectors' 128");
  }

  @Test
  void refusesGroundTruthThatDoesNotFit() throws IOException {
    writeBase(300);
    FvecsWriter.writeFvecs(dir.resolve("query.fvecs"), TestData.siftBase(2));
    FvecsWriter.writeIvecs(dir.resolve("groundtruth.ivecs"), new int[][] {{1, 2}});
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.EUCLIDEAN, 1, 1))
        .hasMessage(dir.resolve("groundtruth.ivecs") + ": holds 1 rows but query.fvecs holds 2 queries");
    FvecsWriter.writeIvecs(dir.resolve("groundtruth.ivecs"), new int[][] {{1, 2}, {3, 300}});
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.EUCLIDEAN, 1, 1))
        .hasMessage(dir.resolve("groundtruth.ivecs") + ": record 1: neighbour id 300 is outside the 300 base vectors");
  }

  @Test
  void refusesKLargerThanCorpusAndZeroVectorsForCosine() throws IOException {
    writeBase(5);
    FvecsWriter.writeFvecs(dir.resolve("query.fvecs"), new FloatVectors(new float[128], 128));
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.EUCLIDEAN, 10, 1))
        .hasMessage("--k 10 exceeds the 5 base vectors of " + dir.resolve("base.fvecs"));
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.COSINE, 1, 1))
        .hasMessage(dir.resolve("query.fvecs") + ": record 0: zero vector has no direction for cosine similarity");
    Files.delete(dir.resolve("query.fvecs"));
    assertThatThrownBy(() -> Dataset.load(dir, Similarity.EUCLIDEAN, 1, 1))
        .hasMessageStartingWith(dir.resolve("query.fvecs") + ": missing");
  }
}
