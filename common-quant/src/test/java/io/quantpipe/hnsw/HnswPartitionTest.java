package io.quantpipe.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.RetrievalMetrics;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.MappedFile;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HnswPartitionTest {
  private static final HnswConfig CONFIG = new HnswConfig(16, 100, 42);
  private static FloatVectors base;
  private static OnHeapHnswGraph graph;

  @TempDir
  Path dir;

  @BeforeAll
  static void build() throws Exception {
    base = TestData.siftBase(3000);
    graph = new HnswBuilder(new FloatScorerSupplier(base, Similarity.EUCLIDEAN), CONFIG).build(1);
  }

  private Path writeFloat(String name, long[] ids) throws IOException {
    Path file = dir.resolve(name);
    HnswPartitionWriter.write(file, graph, CONFIG, 128, Similarity.EUCLIDEAN, ids, null, 0);
    return file;
  }

  private static QuantizerArtifact sq8(FloatVectors vectors, Path file) throws IOException {
    Quantizer q = ScalarQuantizer.train(vectors, Similarity.EUCLIDEAN, ScalarParams.defaults(8), vectors.count(), 1);
    QuantizerCodec.write(q, "{}", file);
    return QuantizerCodec.read(file);
  }

  @Test
  void readerServesTheGraphThatWasWritten() throws IOException {
    long[] ids = new long[base.count()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1_000_000_000_000L + 7L * (ids.length - i);
    }
    HnswPartition p = HnswPartition.openFloat(writeFloat("g.qph", ids), 128, Similarity.EUCLIDEAN, true);
    assertThat(p.size()).isEqualTo(graph.size());
    assertThat(p.entryPoint()).isEqualTo(graph.entryPoint());
    assertThat(p.maxLevel()).isEqualTo(graph.maxLevel());
    int[] a = new int[32];
    int[] b = new int[32];
    for (int node = 0; node < graph.size(); node++) {
      assertThat(p.levelOf(node)).isEqualTo(graph.levelOf(node));
      for (int level = 0; level <= graph.levelOf(node); level++) {
        int n = graph.neighbors(level, node, a);
        assertThat(p.neighbors(level, node, b)).isEqualTo(n);
        for (int i = 0; i < n; i++) {
          assertThat(b[i]).isEqualTo(a[i]);
        }
      }
      assertThat(p.id(node)).isEqualTo(ids[node]);
      assertThat(p.ordinalOf(ids[node])).isEqualTo(node);
    }
    assertThat(p.ordinalOf(5)).isEqualTo(-1);
    assertThat(p.ordinalOf(Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void theProjectedBytesPerNodeMatchAWrittenGraph() throws IOException {
    long[] ids = new long[base.count()];
    java.util.Arrays.setAll(ids, i -> i);
    double measured = (double) Files.size(writeFloat("projected.qph", ids)) / base.count();
    // advise projects graph memory with this figure; the header is the only other cost.
    assertThat(measured).isCloseTo(HnswPartitionFormat.expectedBytesPerNode(16), org.assertj.core.data.Percentage.withPercentage(2));
  }

  @Test
  void sameSeedAndOneThreadGiveTheSameBytes() throws Exception {
    OnHeapHnswGraph again = new HnswBuilder(new FloatScorerSupplier(base, Similarity.EUCLIDEAN), CONFIG).build(1);
    Path first = writeFloat("a.qph", HnswPartitionBuilder.ordinalIds(base.count()));
    Path second = dir.resolve("b.qph");
    HnswPartitionWriter.write(second, again, CONFIG, 128, Similarity.EUCLIDEAN,
        HnswPartitionBuilder.ordinalIds(base.count()), null, 0);
    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));

    HnswConfig otherSeed = new HnswConfig(16, 100, 43);
    OnHeapHnswGraph other = new HnswBuilder(new FloatScorerSupplier(base, Similarity.EUCLIDEAN), otherSeed).build(1);
    Path third = dir.resolve("c.qph");
    HnswPartitionWriter.write(third, other, otherSeed, 128, Similarity.EUCLIDEAN,
        HnswPartitionBuilder.ordinalIds(base.count()), null, 0);
    assertThat(Files.readAllBytes(third)).isNotEqualTo(Files.readAllBytes(first));
  }

  @Test
  void smallSegmentsReadValuesThatStraddleThem() throws IOException {
    Path file = writeFloat("g.qph", HnswPartitionBuilder.ordinalIds(base.count()));
    HnswPartition whole = HnswPartition.openFloat(file, 128, Similarity.EUCLIDEAN, true);
    // 64-byte segments: neighbour lists (132 bytes) and codes cross segment boundaries.
    HnswPartition pieces = HnswPartition.open(MappedFile.open(file, 6), null, 128, Similarity.EUCLIDEAN, true);
    FloatScorerSupplier floats = new FloatScorerSupplier(base, Similarity.EUCLIDEAN);
    HnswSearcher searcher = new HnswSearcher();
    for (int q = 0; q < 50; q++) {
      float[] query = base.get(q * 37);
      SearchResult x = searcher.search(whole, floats.scorer(query), 10, 32, null);
      SearchResult y = searcher.search(pieces, floats.scorer(query), 10, 32, null);
      assertThat(y.ids()).isEqualTo(x.ids());
    }
  }

  @Test
  void quantizedPartitionRescoredWithFloatsFindsTheTrueNeighbours() throws Exception {
    Dataset sift = Dataset.load(TestData.siftsmall(), Similarity.EUCLIDEAN, 10, 2);
    QuantizerArtifact artifact = sq8(sift.base(), dir.resolve("sq8.qpa"));
    Path file = dir.resolve("sq8.qph");
    HnswPartitionBuilder.build(sift.base(), HnswPartitionBuilder.ordinalIds(sift.base().count()), Similarity.EUCLIDEAN,
        artifact, CONFIG, HnswPartitionBuilder.BuildScores.CODES, 2, file);
    HnswPartition p = HnswPartition.open(file, artifact, true);
    assertThat(p.fileBytes()).isLessThan(4L * 128 * sift.base().count());
    TwoPhaseSearcher rescoring = new TwoPhaseSearcher(p, MappedVectors.open(TestData.siftsmall().resolve("base.fvecs"), 128, Similarity.EUCLIDEAN));
    TwoPhaseSearcher codesOnly = new TwoPhaseSearcher(p, null);
    double rescored = 0;
    double rough = 0;
    for (int q = 0; q < sift.queries().count(); q++) {
      float[] query = sift.queries().get(q);
      rescored += RetrievalMetrics.recall(rescoring.search(query, 10, 64, 4, null).ids(), sift.groundTruth()[q], 10);
      rough += RetrievalMetrics.recall(codesOnly.search(query, 10, 64, 1, null).ids(), sift.groundTruth()[q], 10);
    }
    assertThat(rescored / sift.queries().count()).isGreaterThan(0.97);
    assertThat(rescored).isGreaterThan(rough);
  }

  @Test
  void raBitQPartitionRescoresOnlyTheCandidatesItsBoundsCannotExclude() throws Exception {
    Dataset sift = Dataset.load(TestData.siftsmall(), Similarity.EUCLIDEAN, 10, 2);
    Quantizer q = io.quantpipe.quant.rabitq.RaBitQuantizer.train(sift.base(), Similarity.EUCLIDEAN,
        io.quantpipe.quant.rabitq.RaBitQParams.defaults(4, 42));
    QuantizerCodec.write(q, "{}", dir.resolve("rabitq4.qpa"));
    QuantizerArtifact artifact = QuantizerCodec.read(dir.resolve("rabitq4.qpa"));
    Path file = dir.resolve("rabitq4.qph");
    HnswPartitionBuilder.build(sift.base(), HnswPartitionBuilder.ordinalIds(sift.base().count()), Similarity.EUCLIDEAN,
        artifact, CONFIG, HnswPartitionBuilder.BuildScores.CODES, 2, file);
    HnswPartition p = HnswPartition.open(file, artifact, true);
    TwoPhaseSearcher rescoring = new TwoPhaseSearcher(p, MappedVectors.open(TestData.siftsmall().resolve("base.fvecs"), 128, Similarity.EUCLIDEAN));
    TwoPhaseSearcher codesOnly = new TwoPhaseSearcher(p, null);
    double rescored = 0;
    double rough = 0;
    long reads = 0;
    for (int i = 0; i < sift.queries().count(); i++) {
      float[] query = sift.queries().get(i);
      rescored += RetrievalMetrics.recall(rescoring.search(query, 10, 64, 4, null).ids(), sift.groundTruth()[i], 10);
      reads += rescoring.rescoredCount();
      rough += RetrievalMetrics.recall(codesOnly.search(query, 10, 64, 1, null).ids(), sift.groundTruth()[i], 10);
    }
    int nq = sift.queries().count();
    System.out.printf("HNSW rabitq-4 siftsmall: codes %.4f, bounded rescoring %.4f with %.1f of 40 candidates read%n",
        rough / nq, rescored / nq, reads / (double) nq);
    assertThat(rescored / nq).isGreaterThan(0.97);
    assertThat(rescored).isGreaterThan(rough);
    assertThat(reads / (double) nq).as("float reads per query").isLessThan(40);
  }

  @Test
  void filterKeepsOnlyAcceptedNodes() throws IOException {
    HnswPartition p = HnswPartition.openFloat(writeFloat("g.qph", HnswPartitionBuilder.ordinalIds(base.count())),
        128, Similarity.EUCLIDEAN, true);
    FloatScorerSupplier floats = new FloatScorerSupplier(base, Similarity.EUCLIDEAN);
    TwoPhaseSearcher searcher = new TwoPhaseSearcher(p, floats);
    float[] query = base.get(10);
    SearchResult all = searcher.search(query, 10, 64, 1, null);
    assertThat(all.ids()[0]).isEqualTo(10);
    SearchResult odd = searcher.search(query, 10, 64, 1, node -> node % 2 == 1);
    assertThat(odd.ids()).hasSize(10);
    assertThat(java.util.Arrays.stream(odd.ids()).allMatch(id -> id % 2 == 1)).isTrue();
    // The filtered walk still finds the best odd nodes: compare with brute force over odd nodes.
    io.quantpipe.search.TopK exact = new io.quantpipe.search.TopK(10);
    io.quantpipe.quant.QueryScorer s = floats.scorer(query);
    for (int i = 1; i < base.count(); i += 2) {
      exact.offer(i, s.score(i));
    }
    assertThat(RetrievalMetrics.recall(odd.ids(), exact.drain().ids(), 10)).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void refusesACorruptTruncatedOrNewerFile() throws IOException {
    Path good = writeFloat("g.qph", HnswPartitionBuilder.ordinalIds(base.count()));
    byte[] bytes = Files.readAllBytes(good);

    Path flipped = dir.resolve("flipped.qph");
    byte[] f = bytes.clone();
    f[f.length / 2] ^= 0x10;
    Files.write(flipped, f);
    assertThatThrownBy(() -> HnswPartition.openFloat(flipped, 128, Similarity.EUCLIDEAN, true))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("flipped.qph").hasMessageContaining("checksum mismatch");

    Path truncated = dir.resolve("truncated.qph");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> HnswPartition.openFloat(truncated, 128, Similarity.EUCLIDEAN, false))
        .hasMessageContaining("truncated.qph").hasMessageContaining("truncated");

    Path newer = dir.resolve("newer.qph");
    byte[] n = bytes.clone();
    n[5] = 2;
    Files.write(newer, n);
    assertThatThrownBy(() -> HnswPartition.openFloat(newer, 128, Similarity.EUCLIDEAN, false))
        .hasMessageContaining("format version 2 is not supported");

    Path notGraph = dir.resolve("not.qph");
    Files.write(notGraph, new byte[200]);
    assertThatThrownBy(() -> HnswPartition.openFloat(notGraph, 128, Similarity.EUCLIDEAN, false))
        .hasMessageContaining("not an HNSW partition");
  }

  @Test
  void refusesAGraphForOtherVectorsOrAnotherQuantizer() throws Exception {
    Path floatGraph = writeFloat("g.qph", HnswPartitionBuilder.ordinalIds(base.count()));
    assertThatThrownBy(() -> HnswPartition.openFloat(floatGraph, 64, Similarity.EUCLIDEAN, true))
        .hasMessageContaining("graph dimension 128 does not match the expected 64");
    assertThatThrownBy(() -> HnswPartition.openFloat(floatGraph, 128, Similarity.DOT, true))
        .hasMessageContaining("graph metric l2 does not match the expected ip");

    QuantizerArtifact mine = sq8(base, dir.resolve("mine.qpa"));
    QuantizerArtifact other = sq8(base.slice(0, 500), dir.resolve("other.qpa"));
    Path file = dir.resolve("q.qph");
    HnswPartitionBuilder.build(base, HnswPartitionBuilder.ordinalIds(base.count()), Similarity.EUCLIDEAN, mine,
        CONFIG, HnswPartitionBuilder.BuildScores.FLOAT, 1, file);
    assertThat(HnswPartition.open(file, mine, true).size()).isEqualTo(base.count());
    assertThatThrownBy(() -> HnswPartition.open(file, other, true))
        .hasMessageContaining("built with the quantizer artifact of CRC32C");
    assertThatThrownBy(() -> HnswPartition.openFloat(file, 128, Similarity.EUCLIDEAN, true))
        .hasMessageContaining("opened as a float32 graph");
    assertThatThrownBy(() -> HnswPartition.open(floatGraph, mine, true))
        .hasMessageContaining("built over float32 vectors");
  }

  @Test
  void rejectsIdsThatDoNotFit() {
    long[] dup = HnswPartitionBuilder.ordinalIds(base.count());
    dup[7] = 3;
    assertThatThrownBy(() -> writeFloat("d.qph", dup)).hasMessageContaining("Duplicate id 3 at nodes 3 and 7");
    long[] negative = HnswPartitionBuilder.ordinalIds(base.count());
    negative[9] = -1;
    assertThatThrownBy(() -> writeFloat("n.qph", negative)).hasMessageContaining("Id -1 of node 9 is negative");
    assertThatThrownBy(() -> writeFloat("s.qph", new long[10])).hasMessageContaining("10 ids for a graph of 3000 nodes");
    assertThat(Files.exists(dir.resolve("d.qph"))).isFalse();
  }

  @Test
  void mapsFilesLargerThanTwoGigabytes(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("sparse.bin");
    long boundary = 1L << 31;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(boundary + 4096); // sparse: no disk blocks for the holes
      raf.seek(boundary - 2);
      raf.write(new byte[] {1, 2, 3, 4});
      raf.seek(boundary + 1000);
      raf.write(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
    }
    MappedFile mapped = MappedFile.open(file);
    assertThat(mapped.length()).isEqualTo(boundary + 4096);
    assertThat(mapped.getInt(boundary - 2)).isEqualTo(0x04030201);
    assertThat(mapped.getLong(boundary + 1000)).isEqualTo(0x0102030405060708L);
    byte[] across = new byte[4];
    mapped.getBytes(boundary - 2, across, 0, 4);
    assertThat(across).containsExactly(1, 2, 3, 4);
  }
}
