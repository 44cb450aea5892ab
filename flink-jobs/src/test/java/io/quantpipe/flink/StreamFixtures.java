package io.quantpipe.flink;

import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.LongStream;

/** What the stream job's tests share: siftsmall's first 2,000 vectors, a PQ index over them, records, options. */
final class StreamFixtures {
  static final Path SIFTSMALL = Path.of("..", "data", "siftsmall");
  private static FloatVectors base;

  private StreamFixtures() {}

  /** siftsmall base vectors 0-1999. */
  static synchronized FloatVectors base() {
    if (base == null) {
      try {
        base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"), 2000);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return base;
  }

  /** Publishes the next version under {@code root}: PQ (M = 16, 4 bits) and 4 partitions trained with {@code seed}. */
  static void publish(Path root, long seed) throws Exception {
    ProductQuantizer pq = PqTrainer.train(base(), Similarity.EUCLIDEAN, new PqParams(16, 4, seed), 1, 1);
    LocalPublisher.publish(root, base(), LongStream.range(0, base().count()).toArray(), Similarity.EUCLIDEAN,
        QuantizerCodec.read(QuantizerCodec.toBytes(pq, "{}"), "test"), null, "pq", new HnswConfig(8, 32, seed), 4);
  }

  /** An insert of {@code v} as {@code id}, floats in decimal, with a payload. */
  static byte[] insert(long id, float[] v) {
    StringBuilder json = new StringBuilder("{\"id\":").append(id).append(",\"vector\":[");
    for (int i = 0; i < v.length; i++) {
      json.append(i == 0 ? "" : ",").append(v[i]);
    }
    return json.append("],\"payload\":{\"source\":\"siftsmall\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Options for a test job: parallelism 2, checkpoints every 300 ms, reading from the earliest offset. */
  static Map<String, String> options(String bootstrapServers, Path root, String in, String out, String dlq) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(StreamOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(StreamOptions.INDEX, root.toString());
    m.put(StreamOptions.INPUT_TOPIC, in);
    m.put(StreamOptions.OUTPUT_TOPIC, out);
    m.put(StreamOptions.DEAD_LETTER_TOPIC, dlq);
    m.put(StreamOptions.STARTING_OFFSETS, "earliest");
    m.put(StreamOptions.CHECKPOINT_MS, "300");
    m.put(StreamOptions.CODEBOOK_POLL_MS, "200");
    m.put(StreamOptions.PARALLELISM, "2");
    m.put(StreamOptions.TRANSACTION_TIMEOUT_MS, "60000");
    m.put(StreamOptions.TRANSACTIONAL_ID_PREFIX, "it-" + in);
    return m;
  }
}
