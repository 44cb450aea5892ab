package io.quantpipe.format;

import io.quantpipe.TestData;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.binary.AsymmetricBinaryQuantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.quant.osq.OptimizedScalarQuantizer;
import io.quantpipe.quant.osq.OsqParams;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
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
 * Writes the golden v1 artifacts under src/test/resources/fixtures, with the code each gives for
 * siftsmall query 0. Run it when a new format version or quantizer kind is introduced: it adds the
 * missing fixtures and never replaces one: {@code GoldenFixturesTest} pins every released version.
 */
public final class GoldenFixtures {
  static final Path DIR = Path.of("src", "test", "resources", "fixtures");

  static Map<String, Quantizer> quantizers() {
    FloatVectors sift = TestData.siftBase(1000);
    Map<String, Quantizer> q = new LinkedHashMap<>();
    q.put("sq8-v1", ScalarQuantizer.train(sift, Similarity.EUCLIDEAN, ScalarParams.minMax(8), 1000, 1));
    q.put("sq4-v1", ScalarQuantizer.train(sift, Similarity.DOT, ScalarParams.quantile(4, 0.001), 1000, 1));
    q.put("binary-v1", BinaryQuantizer.centred(sift, Similarity.EUCLIDEAN));
    q.put("bq-asym-v1", AsymmetricBinaryQuantizer.train(sift, Similarity.EUCLIDEAN, false, 1));
    q.put("pq-v1", PqTrainer.train(sift, Similarity.EUCLIDEAN, new PqParams(16, 2, 1), 1, 1));
    q.put("osq4-v1", OptimizedScalarQuantizer.train(sift, Similarity.EUCLIDEAN, OsqParams.defaults(4)));
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
    Path codesFile = DIR.resolve("codes-v1.properties");
    StringBuilder codes = new StringBuilder(Files.exists(codesFile) ? Files.readString(codesFile)
        : "# code of siftsmall query 0 under each golden artifact (hex)\n");
    for (Map.Entry<String, Quantizer> e : quantizers().entrySet()) {
      Path file = DIR.resolve(e.getKey() + ".qpa");
      if (Files.exists(file)) {
        continue;
      }
      Files.write(file, QuantizerCodec.toBytes(e.getValue(), "{\"fixture\":\"" + e.getKey() + "\"}"));
      byte[] code = new byte[e.getValue().codeBytes()];
      e.getValue().encode(probe(), code, 0);
      codes.append(e.getKey()).append('=').append(HexFormat.of().formatHex(code)).append('\n');
    }
    Files.writeString(codesFile, codes);
  }
}
