package io.quantpipe.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantpipe.TestData;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads exported graphs into the real hnswlib (Debian's python3-hnswlib) and checks it finds what
 * our own searcher finds on the same graph: if any offset, flag or list were wrong, hnswlib would
 * refuse the file, crash, or walk a different graph and disagree.
 */
class HnswlibExportTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final int K = 10;
  private static final int EF = 64;
  /** argv: index, space, dim, query fvecs, ef, k. Prints the element count, then one line of labels per query. */
  private static final String SCRIPT = String.join("\n",
      "import sys",
      "import numpy as np",
      "import hnswlib",
      "index, space, dim, queries_path, ef, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])",
      "raw = np.fromfile(queries_path, dtype='int32').reshape(-1, dim + 1)",
      "assert (raw[:, 0] == dim).all(), 'not an fvecs file of dimension %d' % dim",
      "queries = np.ascontiguousarray(raw[:, 1:]).view('float32')",
      "p = hnswlib.Index(space=space, dim=dim)",
      "p.load_index(index)",
      "p.set_ef(ef)",
      "p.set_num_threads(1)",
      "labels, _ = p.knn_query(queries, k=k)",
      "print(p.get_current_count())",
      "for row in labels:",
      "    print(' '.join(str(int(x)) for x in row))",
      "");

  private static FloatVectors queries;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() throws IOException {
    queries = FvecsReader.readFvecs(TestData.siftsmall().resolve("query.fvecs"));
  }

  @Test
  void l2GraphSearchesTheSameInHnswlib() throws Exception {
    FloatVectors base = TestData.siftBase(10_000);
    long[] labels = new long[base.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i;
    }
    assertThat(overlapWithHnswlib(base, Similarity.EUCLIDEAN, labels, 10_000)).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void sixtyFourBitLabelsSurvive() throws Exception {
    FloatVectors base = TestData.siftBase(10_000);
    long[] labels = new long[base.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i * 7L + 1_000_000_000_000L;
    }
    assertThat(overlapWithHnswlib(base, Similarity.EUCLIDEAN, labels, 10_000)).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void innerProductGraphSearchesTheSameInHnswlib() throws Exception {
    FloatVectors unit = TestData.siftBase(2_000).prepared(Similarity.COSINE);
    long[] labels = new long[unit.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = 5_000 + i;
    }
    assertThat(overlapWithHnswlib(unit, Similarity.DOT, labels, 2_000)).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void headerAndSizeFollowSaveIndex() throws Exception {
    FloatVectors base = TestData.siftBase(500);
    OnHeapHnswGraph graph = new HnswBuilder(new FloatScorerSupplier(base, Similarity.EUCLIDEAN), new HnswConfig(8, 50, 1)).build(1);
    Path file = dir.resolve("small.bin");
    HnswlibExporter.write(file, graph, base, Similarity.EUCLIDEAN, new long[500], 50);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int record = 4 + 4 * 16 + 4 * 128 + 8;
    assertThat(new long[] {b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40)})
        .containsExactly(0, 500, 500, record, record - 8, 4 + 4 * 16);
    assertThat(b.getInt(48)).isEqualTo(graph.maxLevel());
    assertThat(b.getInt(52)).isEqualTo(graph.entryPoint());
    assertThat(new long[] {b.getLong(56), b.getLong(64), b.getLong(72), b.getLong(88)}).containsExactly(8, 16, 8, 50);
    assertThat(b.getDouble(80)).isEqualTo(1 / Math.log(8));
    long upper = 0;
    for (int node = 0; node < 500; node++) {
      upper += 4 + graph.levelOf(node) * (4 + 4 * 8);
    }
    assertThat(Files.size(file)).isEqualTo(96 + 500L * record + upper);
    assertThat(Files.exists(dir.resolve("small.bin.tmp"))).isFalse();
  }

  @Test
  void rejectsInputsThatDoNotFitTheGraph() throws Exception {
    FloatVectors base = TestData.siftBase(100);
    OnHeapHnswGraph graph = new HnswBuilder(new FloatScorerSupplier(base, Similarity.EUCLIDEAN), new HnswConfig(8, 50, 1)).build(1);
    Path file = dir.resolve("bad.bin");
    assertThatThrownBy(() -> HnswlibExporter.write(file, graph, base.slice(0, 99), Similarity.EUCLIDEAN, new long[100], 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99 vectors for a graph of 100 nodes");
    assertThatThrownBy(() -> HnswlibExporter.write(file, graph, base, Similarity.EUCLIDEAN, new long[101], 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("101 labels for a graph of 100 nodes");
    long[] negative = new long[100];
    negative[42] = -3;
    assertThatThrownBy(() -> HnswlibExporter.write(file, graph, base, Similarity.EUCLIDEAN, negative, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label -3 of node 42 is negative");
    assertThat(Files.exists(file)).isFalse();
  }

  /**
   * Builds a graph (M=16, efC=100, seed 42, one thread), exports it, runs the same queries through
   * hnswlib and our searcher at the same ef, and returns the mean overlap of the top-K label sets.
   */
  private double overlapWithHnswlib(FloatVectors base, Similarity similarity, long[] labels, int expectedCount)
      throws Exception {
    assumeTrue(hnswlibInstalled(), "python3-hnswlib is not installed: apt-get install python3-hnswlib");
    FloatScorerSupplier scorers = new FloatScorerSupplier(base, similarity);
    OnHeapHnswGraph graph = new HnswBuilder(scorers, new HnswConfig(16, 100, 42)).build(1);
    Path index = dir.resolve("index.bin");
    HnswlibExporter.write(index, graph, base, similarity, labels, 100);

    Path script = Files.writeString(dir.resolve("query_hnswlib.py"), SCRIPT);
    List<String> out = run(PYTHON, script.toString(), index.toString(), similarity.cliName(),
        Integer.toString(base.dim()), TestData.siftsmall().resolve("query.fvecs").toAbsolutePath().toString(),
        Integer.toString(EF), Integer.toString(K));
    assertThat(Long.parseLong(out.get(0).trim())).as("hnswlib get_current_count()").isEqualTo(expectedCount);
    assertThat(out).hasSize(1 + queries.count());

    HnswSearcher searcher = new HnswSearcher();
    double sum = 0;
    for (int q = 0; q < queries.count(); q++) {
      SearchResult ours = searcher.search(graph, scorers.scorer(queries.get(q)), K, EF, null);
      Set<Long> expected = new HashSet<>();
      for (int id : ours.ids()) {
        expected.add(labels[id]);
      }
      int hits = 0;
      for (String label : out.get(1 + q).trim().split(" ")) {
        hits += expected.contains(Long.parseLong(label)) ? 1 : 0;
      }
      sum += hits / (double) K;
    }
    double overlap = sum / queries.count();
    System.out.printf("hnswlib %s (n=%d, labels from %d): mean top-%d overlap with HnswSearcher at ef=%d = %.4f%n",
        similarity.cliName(), base.count(), labels[0], K, EF, overlap);
    return overlap;
  }

  private static boolean hnswlibInstalled() {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import hnswlib").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no /usr/bin/python3
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a command with its output in files (no pipe to fill and block), bounded by a timeout. */
  private List<String> run(String... command) throws IOException, InterruptedException {
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(finished).as("python did not finish within 60 s; stderr:%n%s", err).isTrue();
    assertThat(p.exitValue()).as("python exit code; stderr:%n%s", err).isZero();
    return Files.readAllLines(stdout, StandardCharsets.UTF_8);
  }
}
