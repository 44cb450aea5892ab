package io.quantpipe.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionedIndexTest {
  private static final HnswConfig CONFIG = new HnswConfig(16, 100, 42);
  @TempDir
  static Path shared;
  private static Dataset sift;
  private static Path sq8Index;

  /** Global ids are not ordinals: id = 5 + 3·ordinal. */
  private static long idOf(int ordinal) {
    return 5 + 3L * ordinal;
  }

  private static long[] ids(int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = idOf(i);
    }
    return ids;
  }

  @BeforeAll
  static void build() throws Exception {
    sift = Dataset.load(TestData.siftsmall(), Similarity.EUCLIDEAN, 10, 2);
    Quantizer q = ScalarQuantizer.train(sift.base(), Similarity.EUCLIDEAN, ScalarParams.defaults(8), 10_000, 1);
    QuantizerCodec.write(q, "{}", shared.resolve("sq8.qpa"));
    QuantizerArtifact artifact = QuantizerCodec.read(shared.resolve("sq8.qpa"));
    sq8Index = shared.resolve("sq8-index");
    PartitionedIndexBuilder.build(sift.base(), ids(sift.base().count()), Similarity.EUCLIDEAN, artifact, CONFIG, 8, 2, sq8Index);
  }

  private static double recall(PartitionedIndex index, int nprobe) {
    double sum = 0;
    for (int q = 0; q < sift.queries().count(); q++) {
      IndexHits hits = index.search(sift.queries().get(q), 10, 64, nprobe, 4, null);
      long[] truth = Arrays.stream(sift.groundTruth()[q]).limit(10).mapToLong(PartitionedIndexTest::idOf).toArray();
      sum += Arrays.stream(hits.ids()).filter(id -> Arrays.stream(truth).anyMatch(t -> t == id)).count() / 10.0;
    }
    return sum / sift.queries().count();
  }

  @Test
  void searchesTheNearestPartitionsAndMapsGlobalIds() throws IOException {
    PartitionedIndex index = PartitionedIndex.open(sq8Index, true);
    assertThat(index.partitionCount()).isEqualTo(8);
    assertThat(index.liveCount()).isEqualTo(10_000);
    double probeAll = recall(index, 8);
    double probeThree = recall(index, 3);
    assertThat(probeAll).isGreaterThan(0.97);
    assertThat(probeThree).isGreaterThan(0.85).isLessThanOrEqualTo(probeAll);
  }

  @Test
  void deletesByTombstoneAndServesStreamedInserts() throws IOException {
    PartitionedIndex index = PartitionedIndex.open(sq8Index, false);
    float[] query = sift.queries().get(0);
    long top = index.search(query, 10, 64, 8, 4, null).ids()[0];
    assertThat(index.delete(top)).isTrue();
    assertThat(index.delete(top)).isFalse();
    assertThat(index.search(query, 10, 64, 8, 4, null).ids()).doesNotContain(top);
    assertThat(index.liveCount()).isEqualTo(9_999);

    index.insert(1_000_000_007L, query);
    IndexHits hits = index.search(query, 10, 64, 8, 4, null);
    assertThat(hits.ids()[0]).isEqualTo(1_000_000_007L);
    assertThat(hits.scores()[0]).isEqualTo(-0f);
    byte[] code = new byte[132];
    index.insertCode(1_000_000_008L, code, null);
    assertThat(index.liveCount()).isEqualTo(10_001);
    assertThat(index.delete(1_000_000_007L)).isTrue();
    assertThat(index.search(query, 10, 64, 8, 4, null).ids()).doesNotContain(1_000_000_007L);

    // A deleted id may come back as a new insert.
    index.insert(top, sift.base().get((int) ((top - 5) / 3)));
    assertThat(index.search(query, 10, 64, 8, 4, null).ids()[0]).isEqualTo(top);

    long even = index.search(query, 10, 64, 8, 4, id -> id % 2 == 0).ids()[0];
    assertThat(even % 2).isZero();
  }

  @Test
  void rejectsBadInsertsNamingTheRecord() throws IOException {
    PartitionedIndex index = PartitionedIndex.open(sq8Index, false);
    float[] nan = sift.queries().get(1).clone();
    nan[3] = Float.NaN;
    assertThatThrownBy(() -> index.insert(77_777_777L, nan)).hasMessageContaining("Vector 77777777").hasMessageContaining("NaN");
    assertThatThrownBy(() -> index.insert(idOf(12), sift.base().get(12))).hasMessageContaining("Duplicate id 41");
    assertThatThrownBy(() -> index.insert(1, new float[3])).hasMessageContaining("dimension 3");
    assertThatThrownBy(() -> index.insertCode(2, new byte[5], null)).hasMessageContaining("5 bytes");
    assertThatThrownBy(() -> index.insert(-4, sift.base().get(0))).hasMessageContaining("negative");
    assertThatThrownBy(() -> index.search(new float[7], 10, 64, 2, 4, null)).hasMessageContaining("Query dimension 7");
    assertThat(index.liveCount()).isEqualTo(10_000);
  }

  @Test
  void floatIndexNeedsNoQuantizer(@TempDir Path tmp) throws Exception {
    FloatVectors base = sift.base().slice(0, 4000);
    Path dir = tmp.resolve("float-index");
    PartitionedIndexBuilder.build(base, ids(4000), Similarity.EUCLIDEAN, null, CONFIG, 4, 1, dir);
    PartitionedIndex index = PartitionedIndex.open(dir, true);
    assertThat(index.search(base.get(123), 1, 32, 4, 1, null).ids()).containsExactly(idOf(123));
    assertThatThrownBy(() -> index.insertCode(9, new byte[4], null)).hasMessageContaining("float32 index");
  }

  @Test
  void refusesBadDirectoriesAndBuilds(@TempDir Path tmp) throws Exception {
    assertThatThrownBy(() -> PartitionedIndex.open(tmp, true)).hasMessageContaining("no index.json");
    FloatVectors base = sift.base().slice(0, 500);
    assertThatThrownBy(() -> PartitionedIndexBuilder.build(base, ids(500), Similarity.EUCLIDEAN, null, CONFIG, 4, 1, tmp))
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> PartitionedIndexBuilder.build(base, ids(500), Similarity.EUCLIDEAN, null, CONFIG, 501, 1, tmp.resolve("x")))
        .hasMessageContaining("partitions=501");
    assertThatThrownBy(() -> PartitionedIndexBuilder.build(new FloatVectors(new float[0], 128), new long[0],
        Similarity.EUCLIDEAN, null, CONFIG, 1, 1, tmp.resolve("y"))).hasMessageContaining("empty corpus");
    assertThat(tmp.resolve("x")).doesNotExist();

    Path dir = tmp.resolve("ok");
    PartitionedIndexBuilder.build(base, ids(500), Similarity.EUCLIDEAN, null, CONFIG, 2, 1, dir);
    Path vectors = dir.resolve("part-00000.fvecs");
    byte[] bytes = Files.readAllBytes(vectors);
    bytes[100] ^= 1;
    Files.write(vectors, bytes);
    assertThatThrownBy(() -> PartitionedIndex.open(dir, true))
        .hasMessageContaining("part-00000.fvecs").hasMessageContaining("checksum mismatch");
  }
}
