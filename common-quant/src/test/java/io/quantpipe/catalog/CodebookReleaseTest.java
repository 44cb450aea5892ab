package io.quantpipe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing a version locally and reading its codebooks back, verified, as the stream job does. */
class CodebookReleaseTest {
  private static final int N = 1500;
  @TempDir
  Path root;
  private FloatVectors base;
  private QuantizerArtifact artifact;

  @BeforeEach
  void setUp() throws Exception {
    base = TestData.siftBase(N);
    ProductQuantizer pq = PqTrainer.train(base, Similarity.EUCLIDEAN, new PqParams(16, 4, 7), 1, 1);
    artifact = QuantizerCodec.read(QuantizerCodec.toBytes(pq, "{}"), "test");
  }

  private CatalogPointer publish() throws Exception {
    return LocalPublisher.publish(root, base, LongStream.range(0, N).toArray(), Similarity.EUCLIDEAN, artifact,
        null, "pq", new HnswConfig(8, 32, 1), 4);
  }

  @Test
  void nothingPublishedIsNoRelease() throws Exception {
    assertThat(CodebookRelease.fetchCurrent(new LocalBlobStore(root))).isNull();
  }

  @Test
  void theCurrentReleaseEncodesLikeItsQuantizerAndCentroids() throws Exception {
    assertThat(publish().version()).isEqualTo(1);
    CatalogPointer second = publish();
    assertThat(second.version()).isEqualTo(2);
    CodebookRelease release = CodebookRelease.fetchCurrent(new LocalBlobStore(root));
    assertThat(release.version()).isEqualTo(2);
    assertThat(release.manifestCrc()).isEqualTo(second.manifestCrc());

    Codebooks books = Codebooks.of(release);
    assertThat(books.dimension()).isEqualTo(128);
    assertThat(books.codeBytes()).isEqualTo(16);
    assertThat(java.util.Arrays.stream(books.baseline().occupancy()).sum()).isEqualTo(N);
    assertThat(books.baseline().meanRelativeError()).isBetween(0.001, 0.5);
    Path index = root.resolve(CatalogPointer.versionDir(2)).resolve("index");
    FloatVectors centroids = io.quantpipe.vector.FvecsReader.readFvecs(index.resolve("centroids.fvecs"));
    CoarseQuantizer served = new CoarseQuantizer(centroids.data(), centroids.count(), 128, Similarity.EUCLIDEAN);
    for (int i = 0; i < 200; i++) {
      byte[] code = new byte[16];
      byte[] expected = new byte[16];
      int partition = books.encode(base.get(i), code);
      artifact.quantizer().encode(base.get(i), expected, 0);
      assertThat(code).isEqualTo(expected);
      assertThat(partition).isEqualTo(served.assign(base.get(i)));
    }
    assertThatThrownBy(() -> books.encode(new float[3], new byte[16])).hasMessageContaining("dimension 3");
  }

  /** The stream job's codebooks for a pq4 release: the version-2 artifact, blocks encoded as one at a time. */
  @Test
  void aFourBitPqReleaseEncodesBlocksLikeItsQuantizer() throws Exception {
    ProductQuantizer pq4 = PqTrainer.train(base, Similarity.EUCLIDEAN, new PqParams(16, PqParams.KSUB_4BIT, 4, 7), 1, 1);
    artifact = QuantizerCodec.read(QuantizerCodec.toBytes(pq4, "{}"), "test");
    assertThat(artifact.formatVersion()).isEqualTo(2);
    LocalPublisher.publish(root, base, LongStream.range(0, N).toArray(), Similarity.EUCLIDEAN, artifact, null, "pq4",
        new HnswConfig(8, 32, 1), 4);
    Codebooks books = Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(root)));
    assertThat(books.codeBytes()).isEqualTo(8);
    assertThat(books.baseline().meanRelativeError()).isBetween(0.001, 0.5);
    int count = 70;
    byte[] codes = new byte[count * 8];
    int[] partitions = new int[count];
    books.encodeBlock(java.util.Arrays.copyOf(base.data(), count * 128), count, codes, partitions);
    for (int i = 0; i < count; i++) {
      byte[] expected = new byte[8];
      pq4.encode(base.get(i), expected, 0);
      assertThat(java.util.Arrays.copyOfRange(codes, i * 8, i * 8 + 8)).as("vector %d", i).isEqualTo(expected);
    }
  }

  @Test
  void aManifestThatFailsItsChecksumIsRefused() throws Exception {
    publish();
    Path manifest = root.resolve(CatalogPointer.versionDir(1)).resolve(CatalogPointer.MANIFEST);
    flipLastByte(manifest);
    assertThatThrownBy(() -> CodebookRelease.fetchCurrent(new LocalBlobStore(root)))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("manifest.json")
        .hasMessageContaining("checksum mismatch").hasMessageContaining("the version pointer names");
  }

  @Test
  void aDamagedQuantizerOrChangedOrMissingCentroidsAreRefused() throws Exception {
    publish();
    Path index = root.resolve(CatalogPointer.versionDir(1)).resolve("index");
    flipLastByte(index.resolve("quantizer.qpa"));
    assertThatThrownBy(() -> CodebookRelease.fetchCurrent(new LocalBlobStore(root)))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("quantizer.qpa");
    flipLastByte(index.resolve("quantizer.qpa"));
    flipLastByte(index.resolve("centroids.fvecs")); // changed in storage after publish: same length, other bytes
    assertThatThrownBy(() -> CodebookRelease.fetchCurrent(new LocalBlobStore(root)))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("centroids.fvecs")
        .hasMessageContaining("checksum mismatch");
    Files.delete(index.resolve("centroids.fvecs"));
    assertThatThrownBy(() -> CodebookRelease.fetchCurrent(new LocalBlobStore(root)))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("centroids.fvecs")
        .hasMessageContaining("missing");
  }

  @Test
  void anUnreadablePointerIsRefused() throws Exception {
    Files.writeString(root.resolve(CatalogPointer.FILE), "{\"version\": \"three\"}");
    assertThatThrownBy(() -> CodebookRelease.fetchCurrent(new LocalBlobStore(root)))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("unreadable version pointer");
  }

  private static void flipLastByte(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    b[b.length - 2] ^= 0x01;
    Files.write(file, b);
  }
}
