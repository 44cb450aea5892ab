package io.quantpipe.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each file of a built index passes its own check; one flipped byte in any of them fails it, naming the file. */
class IndexFileCheckTest {
  @TempDir
  Path tmp;

  @Test
  void everyFileOfABuiltIndexIsCheckedAndAFlippedByteIsCaught() throws Exception {
    Path dir = tmp.resolve("index");
    Random random = new Random(3);
    float[] data = new float[600 * 16];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    FloatVectors vectors = new FloatVectors(data, 16);
    ScalarQuantizer sq = ScalarQuantizer.train(vectors, Similarity.EUCLIDEAN, io.quantpipe.quant.scalar.ScalarParams.minMax(8), 600, 1);
    PartitionedIndexBuilder.build(vectors, LongStream.range(0, 600).toArray(), Similarity.EUCLIDEAN,
        QuantizerCodec.read(QuantizerCodec.toBytes(sq, "{}"), "test"), new HnswConfig(8, 32, 1), 3, 1, dir);
    List<IndexFileCheck> checks = IndexFileCheck.of(IndexManifest.read(dir));
    assertThat(checks).extracting(IndexFileCheck::name).contains("quantizer.qpa", "centroids.fvecs", "part-00000.qph",
        "part-00000.fvecs");
    assertThat(checks).hasSize(2 + 2 * IndexManifest.read(dir).partitions().size());
    for (IndexFileCheck check : checks) {
      Path file = dir.resolve(check.name());
      assertThat(check.isIntact(file)).as(check.name()).isTrue();
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 3] ^= 1;
      Path damaged = tmp.resolve("damaged-" + check.name());
      Files.write(damaged, bytes);
      assertThatThrownBy(() -> check.verify(damaged)).as(check.name()).isInstanceOf(CorruptArtifactException.class)
          .hasMessageContaining(damaged.toString()).hasMessageContaining("checksum mismatch");
      assertThat(check.isIntact(damaged)).isFalse();
    }
    assertThat(checks.get(0).isIntact(dir.resolve("absent"))).isFalse();
  }
}
