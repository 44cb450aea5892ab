package io.quantpipe.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CoarseQuantizerTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  /** Spark's encode assigns a block at a time; the stream and serving assign one vector: same partitions. */
  @ParameterizedTest
  @EnumSource(Similarity.class)
  void assigningABlockGivesThePartitionsOfOneVectorAtATime(Similarity similarity) {
    CoarseQuantizer coarse = CoarseQuantizer.train(SIFT.slice(0, 1000), similarity, 37, 3, 9); // 37: padded to 40
    int count = 203;
    int[] block = new int[count];
    coarse.assignBlock(SIFT.data(), 1000 * 128, count, block);
    for (int i = 0; i < count; i++) {
      assertThat(block[i]).as("vector %d", i).isEqualTo(coarse.assign(SIFT.get(1000 + i)));
    }
    assertThat(java.util.Arrays.stream(block).distinct().count()).isGreaterThan(10);
  }
}
