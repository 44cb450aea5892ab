package io.quantpipe.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.hnsw.HnswPartitionBuilder.BuildScores;
import io.quantpipe.hnsw.buildcodes.BuildCodeScorers;
import io.quantpipe.hnsw.buildcodes.BuildCodes;
import io.quantpipe.hnsw.buildcodes.BuildQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs linked on transient int8 build codes ({@link BuildScores#CODES}) against float-linked ones. */
class HnswCodeBuildTest {
  private static final HnswConfig CONFIG = new HnswConfig(16, 100, 42);
  private static Dataset minilm;
  private static FloatScorerSupplier floats;
  private static OnHeapHnswGraph floatGraph;

  @TempDir
  Path dir;

  @BeforeAll
  static void build() throws Exception {
    minilm = Dataset.load(TestData.minilm(), Similarity.DOT, 10, 2);
    floats = new FloatScorerSupplier(minilm.base(), Similarity.DOT);
    floatGraph = HnswPartitionBuilder.builder(minilm.base(), Similarity.DOT, CONFIG, BuildScores.FLOAT).build(1);
  }

  private static double recall(HnswGraph graph, int ef) {
    return HnswBuilderTest.recall(graph, floats, minilm.queries(), minilm.groundTruth(), ef);
  }

  @Test
  void codeGraphsOnMiniLmReachTheFloatGraphsRecall() throws Exception {
    OnHeapHnswGraph rescored = HnswPartitionBuilder.builder(minilm.base(), Similarity.DOT, CONFIG, BuildScores.CODES)
        .build(1);
    // Codes alone, selection too: the variant BuildScores.CODES measured against and dropped.
    OnHeapHnswGraph codesOnly = new HnswBuilder(codeScorers(), CONFIG).build(1);
    for (int ef : new int[] {16, 32, 64, 128}) {
      // Searched on exact float scores, as a float partition or a rescored quantized one is.
      assertThat(recall(rescored, ef)).as("rescored at ef %d", ef).isCloseTo(recall(floatGraph, ef), offset(0.01));
      assertThat(recall(codesOnly, ef)).as("codes only at ef %d", ef).isCloseTo(recall(floatGraph, ef), offset(0.01));
    }
  }

  @Test
  void oneThreadCodeBuildsAreReproducibleByteForByte() throws IOException, InterruptedException {
    FloatVectors base = minilm.base().slice(0, 3000);
    long[] ids = HnswPartitionBuilder.ordinalIds(base.count());
    Path a = dir.resolve("a.qph");
    Path b = dir.resolve("b.qph");
    Path f = dir.resolve("f.qph");
    HnswPartitionBuilder.build(base, ids, Similarity.DOT, null, CONFIG, BuildScores.CODES, 1, a);
    HnswPartitionBuilder.build(base, ids, Similarity.DOT, null, CONFIG, BuildScores.CODES, 1, b);
    HnswPartitionBuilder.build(base, ids, Similarity.DOT, null, CONFIG, BuildScores.FLOAT, 1, f);
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    assertThat(Files.readAllBytes(f)).isNotEqualTo(Files.readAllBytes(a)); // the codes did choose differently
  }

  private static ScorerSupplier codeScorers() {
    BuildCodes codes = BuildQuantizer.train(minilm.base(), Similarity.DOT, HnswPartitionBuilder.BUILD_CODE_BITS)
        .encodeAll(minilm.base());
    return new BuildCodeScorers(codes, Similarity.DOT);
  }

  @Test
  void multiThreadedCodeBuildIsAsGood() throws Exception {
    OnHeapHnswGraph codes = HnswPartitionBuilder.builder(minilm.base(), Similarity.DOT, CONFIG, BuildScores.CODES)
        .build(2);
    assertThat(recall(codes, 64)).isGreaterThan(recall(floatGraph, 64) - 0.01);
  }

  @Test
  void buildScoresParseByCliNameAndNameTheBadValue() {
    for (BuildScores s : BuildScores.values()) {
      assertThat(BuildScores.fromCliName(s.cliName())).isEqualTo(s);
    }
    assertThatThrownBy(() -> BuildScores.fromCliName("CODES")).hasMessage("must be float or codes; got 'CODES'");
  }

  @Test
  void selectionScoresMustCoverTheSameVectors() {
    FloatScorerSupplier small = new FloatScorerSupplier(minilm.base().slice(0, 10), Similarity.DOT);
    assertThatThrownBy(() -> new HnswBuilder(floats, small, CONFIG))
        .hasMessage("Selection scores cover 10 vectors but search scores 10000");
  }
}
