package io.quantpipe.hnsw;

import io.quantpipe.TestData;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes the golden v1 partition {@code fixtures/hnsw-v1.qph}: 300 siftsmall vectors, sq8 codes
 * from the golden {@code sq8-v1.qpa}, 64-bit ids, and the ids its search returns for five queries.
 * Run only when a new partition format version is introduced (add fixtures, never replace them).
 */
public final class HnswGoldenFixture {
  static final Path DIR = Path.of("src", "test", "resources", "fixtures");
  static final HnswConfig CONFIG = new HnswConfig(8, 50, 7);
  static final int NODES = 300;
  static final int QUERIES = 5;

  static long idOf(int ordinal) {
    return 1_000_000_000_000L + 11L * ordinal;
  }

  static FloatVectors queries() throws IOException {
    return FvecsReader.readFvecs(TestData.siftsmall().resolve("query.fvecs"), QUERIES);
  }

  /** The ids a partition returns for the golden queries: k=5, ef=20, no rescoring. */
  static String answers(HnswPartition partition) throws IOException {
    TwoPhaseSearcher searcher = new TwoPhaseSearcher(partition, null);
    FloatVectors queries = queries();
    StringBuilder out = new StringBuilder();
    for (int q = 0; q < QUERIES; q++) {
      int[] ordinals = searcher.search(queries.get(q), 5, 20, 1, null).ids();
      out.append("query").append(q).append('=')
          .append(Arrays.stream(ordinals).mapToObj(o -> Long.toString(partition.id(o))).collect(Collectors.joining(",")))
          .append('\n');
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    QuantizerArtifact sq8 = QuantizerCodec.read(DIR.resolve("sq8-v1.qpa"));
    long[] ids = new long[NODES];
    for (int i = 0; i < NODES; i++) {
      ids[i] = idOf(i);
    }
    Path file = DIR.resolve("hnsw-v1.qph");
    HnswPartitionBuilder.build(TestData.siftBase(NODES), ids, Similarity.EUCLIDEAN, sq8, CONFIG,
        HnswPartitionBuilder.BuildScores.FLOAT, 1, file);
    HnswPartition partition = HnswPartition.open(file, sq8, true);
    Files.writeString(DIR.resolve("hnsw-v1.properties"), "# ids returned for siftsmall queries 0-4 (k=5, ef=20)\n"
        + "entry_point=" + partition.entryPoint() + "\nmax_level=" + partition.maxLevel() + "\n" + answers(partition));
  }
}
