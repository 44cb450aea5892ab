package io.quantpipe.format;

import io.quantpipe.TestData;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.binary.AsymmetricBinaryQuantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.quant.osq.OptimizedScalarQuantizer;
import io.quantpipe.quant.osq.OsqParams;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.rabitq.RaBitQParams;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the golden artifacts (v1, and v2 for 4-bit PQ) under src/test/resources/fixtures, with the code each gives for
 * siftsmall query 0. Run it only when a new format version or quantizer kind is introduced: it
 * writes only the fixtures that do not exist yet (add, never replace), with their codes in
 * {@link #NEW_CODES}; {@code QuantizerCodecTest} pins every released version.
 */
public final class GoldenFixtures {
  static final Path DIR = Path.of("src", "test", "resources", "fixtures");
  /** The codes files the golden test reads: the first release's, then one per later addition. */
  static final String[] CODE_FILES = {"codes-v1.properties", "codes-rabitq-v1.properties", "codes-pq4-v2.properties"};
  /** Where codes of newly written fixtures go. */
  static final String NEW_CODES = "codes-pq4-v2.properties";

  static Map<String, Quantizer> quantizers() {
    FloatVectors sift = TestData.siftBase(1000);
    Map<String, Quantizer> q = new LinkedHashMap<>();
    q.put("sq8-v1", ScalarQuantizer.train(sift, Similarity.EUCLIDEAN, ScalarParams.minMax(8), 1000, 1));
    q.put("sq4-v1", ScalarQuantizer.train(sift, Similarity.DOT, ScalarParams.quantile(4, 0.001), 1000, 1));
    q.put("binary-v1", BinaryQuantizer.centred(sift, Similarity.EUCLIDEAN));
    q.put("bq-asym-v1", AsymmetricBinaryQuantizer.train(sift, Similarity.EUCLIDEAN, false, 1));
    q.put("pq-v1", PqTrainer.train(sift, Similarity.EUCLIDEAN, new PqParams(16, 2, 1), 1, 1));
    q.put("osq4-v1", OptimizedScalarQuantizer.train(sift, Similarity.EUCLIDEAN, OsqParams.defaults(4)));
    q.put("rabitq4-v1", RaBitQuantizer.train(sift, Similarity.EUCLIDEAN,
        new RaBitQParams(4, 4, RaBitQParams.ScaleSearch.FIXED, 1)));
    // 4-bit PQ, the first format-version-2 artifact: 16 subspaces of 16 centroids, 8 code bytes
    q.put("pq4-v2", PqTrainer.train(sift, Similarity.EUCLIDEAN, new PqParams(16, PqParams.KSUB_4BIT, 2, 1), 1, 1));
    return q;
  }

  static float[] probe() throws IOException {
    return FvecsReader.readFvecs(TestData.siftsmall().resolve("query.fvecs"), 1).get(0);
  }

  /**
   * Writes the fixtures that do not exist yet and appends their codes: a released fixture is never
   * rewritten, so a change that would alter it fails {@code QuantizerCodecTest} instead.
   */
  public static void main(String[] args) throws IOException {
    StringBuilder codes = new StringBuilder("# code of siftsmall query 0 under each golden artifact added after codes-v1 (hex)\n");
    Path codesFile = DIR.resolve(NEW_CODES);
    if (Files.exists(codesFile)) {
      codes = new StringBuilder(Files.readString(codesFile));
    }
    for (Map.Entry<String, Quantizer> e : quantizers().entrySet()) {
      Path file = DIR.resolve(e.getKey() + ".qpa");
      if (Files.exists(file)) {
        continue; // released: never rewritten
      }
      Files.write(file, QuantizerCodec.toBytes(e.getValue(), "{\"fixture\":\"" + e.getKey() + "\"}"));
      byte[] code = new byte[e.getValue().codeBytes()];
      e.getValue().encode(probe(), code, 0);
      codes.append(e.getKey()).append('=').append(HexFormat.of().formatHex(code)).append('\n');
    }
    Files.writeString(codesFile, codes);
  }
}
