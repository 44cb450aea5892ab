package io.quantpipe.serving;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.LongStream;

/**
 * Versions published for the node's tests with {@link LocalPublisher}, the plain-Java publisher
 * whose layout a reader cannot tell from the Spark pipeline's: the first 2,000 siftsmall vectors
 * (real SIFT descriptors, 128 dimensions, L2), 4 partitions, HNSW M 8.
 */
final class Published {
  static final Path SIFTSMALL = Path.of(System.getProperty("quantpipe.home", "..")).resolve("data/siftsmall");
  private static FloatVectors base;
  private static FloatVectors queries;

  private Published() {}

  static synchronized FloatVectors base() {
    if (base == null) {
      base = read("base.fvecs", 2000);
    }
    return base;
  }

  static synchronized FloatVectors queries() {
    if (queries == null) {
      queries = read("query.fvecs", 100);
    }
    return queries;
  }

  /** Publishes the next version under {@code root} with {@code strategy} (a name such as {@code hybrid-pq}). */
  static CatalogPointer publish(Path root, String strategy, long seed) throws IOException, InterruptedException {
    Strategy s = Strategy.parse(strategy);
    QuantizerArtifact artifact = null;
    if (s.base() != Strategy.Base.NONE) {
      Quantizer q = StrategyTrainer.train(s, base(), Similarity.EUCLIDEAN, new TrainingOptions(seed, 16, 8, 2000, 2000,
          false, 1));
      artifact = QuantizerCodec.read(QuantizerCodec.toBytes(q, "{}"), strategy);
    }
    return LocalPublisher.publish(root, base(), LongStream.range(0, base().count()).toArray(), Similarity.EUCLIDEAN,
        artifact, queries(), strategy, new HnswConfig(8, 32, seed), 4);
  }

  private static FloatVectors read(String file, int n) {
    try {
      return FvecsReader.readFvecs(SIFTSMALL.resolve(file), n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
