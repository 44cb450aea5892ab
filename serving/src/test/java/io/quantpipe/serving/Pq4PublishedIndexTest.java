package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published hybrid-pq4 version as a serving node opens it: the quantizer is the version-2 4-bit
 * artifact, it gives the codes plain Java gives, and the index answers with the true neighbours.
 */
class Pq4PublishedIndexTest {
  @TempDir
  Path tmp;

  @Test
  void servesAVersionTwoFourBitArtifactWithTheCodesOfPlainJava() throws Exception {
    Path root = tmp.resolve("index");
    Published.publish(root, "hybrid-pq4", 1);
    String version = new VersionCatalog(root.toString(), new Configuration()).versionUri(1);
    Path dir = Path.of(new org.apache.hadoop.fs.Path(version).toUri().getPath()).resolve(PublishedIndex.INDEX_DIR);
    QuantizerArtifact artifact = QuantizerCodec.read(dir.resolve(IndexManifest.QUANTIZER_FILE), 128, Similarity.EUCLIDEAN);
    assertThat(artifact.formatVersion()).isEqualTo(2);
    ProductQuantizer served = (ProductQuantizer) artifact.quantizer();
    assertThat(served.ksub()).isEqualTo(16);
    assertThat(served.codeBytes()).isEqualTo(8);
    ProductQuantizer local = (ProductQuantizer) StrategyTrainer.train(Strategy.parse("pq4"), Published.base(),
        Similarity.EUCLIDEAN, new TrainingOptions(1, 16, 8, 2000, 2000, false, 1));
    byte[] a = new byte[8];
    byte[] b = new byte[8];
    for (int q = 0; q < 20; q++) {
      served.encode(Published.queries().get(q), a, 0);
      local.encode(Published.queries().get(q), b, 0);
      assertThat(a).as("code of query %d", q).isEqualTo(b);
    }
    PartitionedIndex index = PartitionedIndex.open(dir, true);
    for (int id : new int[] {3, 17, 1999}) {
      assertThat(index.search(Published.base().get(id), 10, 64, 4, 4, null).ids()[0]).isEqualTo(id);
    }
  }
}
