package io.quantpipe.bench.stream;

import io.quantpipe.flink.testing.LocalKafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.flink.StreamOptions;
import io.quantpipe.flink.StreamPipeline;
import io.quantpipe.flink.StreamQuantizerJob;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/quantpipe stream-demo}: the stream job end to end on one machine. Starts a Kafka broker
 * in this JVM and a local Flink cluster, publishes codebooks trained on {@code --data} when the
 * index root has none, produces {@code --records} inserts (and some malformed records), publishes
 * a second version mid-stream, makes one encoder task fail once, then reads the output back with
 * read_committed and checks it: every valid id once, every code equal to plain-Java encoding with
 * the version it names.
 */
@Command(name = "stream-demo", mixinStandardHelpOptions = true,
    description = "Run the stream quantizer against an in-process broker and check its output.")
public final class StreamDemo implements Callable<Integer> {

  @Option(names = "--data", required = true, description = "TEXMEX directory: base.fvecs (and query.fvecs).")
  Path data;

  @Option(names = "--index", required = true, description = "Local index root; versions are published here.")
  Path index;

  @Option(names = "--metric", defaultValue = "l2", description = "l2, ip or cosine (for training).")
  String metric;

  @Option(names = "--strategy", defaultValue = "pq", description = "Quantizer trained when publishing: pq, sq8, ...")
  String strategy;

  @Option(names = "--records", defaultValue = "20000")
  long records;

  @Option(names = "--rate", defaultValue = "0", description = "Inserts per second; 0: as fast as possible.")
  double rate;

  @Option(names = "--swap-at", defaultValue = "-1",
      description = "Publish a new version before this insert; -1: records/2.")
  long swapAt;

  @Option(names = "--base64", description = "Send vectors as vector_b64 (float32 LE, base64), not decimal text.")
  boolean base64;

  @Option(names = "--no-swap", description = "Do not publish a version mid-stream.")
  boolean noSwap;

  @Option(names = "--no-failure", description = "Do not inject the task failure.")
  boolean noFailure;

  @Option(names = "--parallelism", defaultValue = "1")
  int parallelism;

  @Option(names = "--checkpoint-ms", defaultValue = "200", description = "Checkpoint (commit) interval.")
  int checkpointMs;

  @Option(names = "--json", description = "Write the figures as one JSON object.")
  Path json;

  @Option(names = "--out", description = "Write the output topic as JSON lines (id, version, code in hex).")
  Path out;

  public static void main(String[] args) {
    // The broker and the job log every transaction and checkpoint at INFO: thousands of lines a minute.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.exit(new CommandLine(new StreamDemo()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return new Run().call();
  }

  /**
   * The demo itself, in a class of its own: it names Flink types, and the one CLI reads this
   * command's options without Flink on its classpath.
   */
  private final class Run {
    Integer call() throws Exception {
      FloatVectors base = FvecsReader.readFvecs(data.resolve("base.fvecs"));
      Similarity similarity = Similarity.fromCliName(metric);
      Map<Integer, Codebooks> versions = new TreeMap<>();
      if (!Files.exists(index.resolve(CatalogPointer.FILE))) {
        publish(base, similarity, 42);
      }
      Codebooks first = Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(index)));
      versions.put(first.version(), first);
      long swap = noSwap ? -1 : swapAt < 0 ? records / 2 : swapAt;
      try (LocalKafka kafka = new LocalKafka()) {
        // The broker stamps each insert when it appends it, so latency runs from the input topic to the
        // committed output and leaves out time spent queued in the demo's own producer.
        kafka.createTopics(parallelism, Map.of("message.timestamp.type", "LogAppendTime"), "inserts");
        kafka.createTopics(parallelism, "encoded", "dead-letters", "drift");
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put(StreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(StreamOptions.INDEX, index.toAbsolutePath().toString());
        settings.put(StreamOptions.INPUT_TOPIC, "inserts");
        settings.put(StreamOptions.OUTPUT_TOPIC, "encoded");
        settings.put(StreamOptions.DEAD_LETTER_TOPIC, "dead-letters");
        settings.put(StreamOptions.DRIFT_TOPIC, "drift");
        settings.put(StreamOptions.STARTING_OFFSETS, "earliest");
        settings.put(StreamOptions.CHECKPOINT_MS, Integer.toString(checkpointMs));
        settings.put(StreamOptions.CODEBOOK_POLL_MS, "200");
        settings.put(StreamOptions.PARALLELISM, Integer.toString(parallelism));
        settings.put(StreamOptions.FAILURE_DRILL_AFTER,
            noFailure ? "0" : Long.toString(Math.max(1, records / 3 / parallelism)));
        StreamOptions options = StreamOptions.fromMap(settings);
        Configuration conf = Configuration.fromMap(Map.of("restart-strategy.type", "fixed-delay",
            "restart-strategy.fixed-delay.attempts", "3", "restart-strategy.fixed-delay.delay", "500 ms"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        StreamPipeline.build(env, options);
        DemoWorkload workload = new DemoWorkload(base, records, rate, base64);
        Runnable swapHook = () -> {
          try {
            Codebooks next = Codebooks.of(CodebookRelease.fetch(new LocalBlobStore(index), publish(base, similarity,
                43 + versions.size())));
            versions.put(next.version(), next);
          } catch (Exception e) {
            throw new IllegalStateException("Cannot publish the mid-stream version", e);
          }
        };
        JobCpuMeter cpu = JobCpuMeter.forStreamJob();
        // Steady state starts once a fifth of the output is in: JIT warm-up and job start are behind.
        long warmUp = records / 5;
        double[] steadyStart = new double[2]; // {job CPU seconds, output count} at that point
        var reading = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> kafka.receiveCommitted("encoded", (int) records, Duration.ofMinutes(10), n -> {
              if (n >= warmUp && steadyStart[1] == 0) {
                steadyStart[0] = cpu.cpuSeconds();
                steadyStart[1] = n;
              }
            }));
        long started = System.currentTimeMillis();
        JobClient job;
        long sendStart = System.nanoTime();
        long sendEnd;
        if (rate == 0 && swap < 0) { // throughput: all input waits before the job starts; the producer cannot limit it
          try (var producer = kafka.producer()) {
            workload.run(producer, "inserts", swap, swapHook);
          }
          sendEnd = System.nanoTime();
          started = System.currentTimeMillis();
          job = env.executeAsync("quantpipe stream-demo");
        } else { // latency, or a swap mid-stream: the job runs first and records arrive while it does
          job = env.executeAsync("quantpipe stream-demo");
          RunningJob.await(job);
          started = System.currentTimeMillis();
          sendStart = System.nanoTime();
          try (var producer = kafka.producer()) {
            workload.run(producer, "inserts", swap, swapHook);
          }
          sendEnd = System.nanoTime();
        }
        List<LocalKafka.Received> output = reading.get();
        int deadLettered = kafka.readCommitted("dead-letters", (int) workload.malformedSent(), Duration.ofSeconds(30))
            .size();
        double cpuSeconds = cpu.cpuSeconds();
        cpu.cpuSecondsByThread().forEach((thread, seconds) ->
            System.err.printf(java.util.Locale.ROOT, "stream-demo: %6.2f s CPU in %s%n", seconds, thread));
        cpu.close();
        job.cancel().get();
        ObjectNode figures = report(base, versions, output, workload.malformedSent(), deadLettered, started);
        // Per core: records over the CPU time of the job's own threads (the broker, producer and reader
        // share this JVM's cores and are not counted).
        figures.put("job_cpu_seconds", cpuSeconds)
            .put("throughput_per_core", (output.size() - steadyStart[1]) / Math.max(1e-9, cpuSeconds - steadyStart[0]))
            .put("producer_rate_per_second", records / Math.max(1e-9, (sendEnd - sendStart) / 1e9));
        StreamDemoFigures.profile(records, figures, workload, first);
        System.out.print(StreamDemoFigures.table(figures));
        if (json != null) {
          Files.writeString(json, figures.toPrettyString() + "\n");
        }
      }
      return 0;
    }

    private CatalogPointer publish(FloatVectors base, Similarity similarity, long seed) throws Exception {
      FloatVectors sample = base.slice(0, Math.min(base.count(), 20_000));
      var quantizer = StrategyTrainer.train(Strategy.parse(strategy), sample, similarity,
          new TrainingOptions(seed, 0, 10, 20_000, 10_000, true, 2));
      Path queryFile = data.resolve("query.fvecs");
      FloatVectors queries = Files.exists(queryFile) ? FvecsReader.readFvecs(queryFile) : null;
      return LocalPublisher.publish(index, base, LongStream.range(0, base.count()).toArray(), similarity,
          QuantizerCodec.read(QuantizerCodec.toBytes(quantizer, "{\"seed\":" + seed + "}"), "demo"), queries, strategy,
          new HnswConfig(16, 100, seed), Math.max(1, base.count() / 5000));
    }

    private ObjectNode report(FloatVectors base, Map<Integer, Codebooks> versions, List<LocalKafka.Received> output,
        long malformed, int deadLettered, long started) throws Exception {
      Map<Integer, Long> perVersion = new TreeMap<>();
      boolean[] seen = new boolean[(int) records];
      long duplicates = 0;
      long mismatches = 0;
      long lastReceived = started;
      int measured = 0;
      long[] latencies = new long[output.size()];
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < output.size(); i++) {
        EncodedRecord e = EncodedRecordJson.fromBytes(output.get(i).record().value());
        perVersion.merge(e.codebookVersion(), 1L, Long::sum);
        if (seen[(int) e.id()]) {
          duplicates++;
        }
        seen[(int) e.id()] = true;
        Codebooks books = versions.get(e.codebookVersion());
        byte[] expected = new byte[books.codeBytes()];
        int partition = books.encode(base.get((int) (e.id() % base.count())), expected);
        if (partition != e.partition() || !Arrays.equals(expected, e.code())) {
          mismatches++;
        }
        long received = output.get(i).receivedMillis();
        if (e.id() >= records / 2) { // latency in steady state: the first half warms the JIT and drains start-up backlog
          latencies[measured++] = Math.max(0, received - e.ingestTimestamp());
        }
        lastReceived = Math.max(lastReceived, received);
        lines.add(String.format("{\"id\":%d,\"version\":%d,\"code\":\"%s\"}", e.id(), e.codebookVersion(),
            HexFormat.of().formatHex(e.code())));
      }
      long missing = 0;
      for (boolean s : seen) {
        missing += s ? 0 : 1;
      }
      latencies = Arrays.copyOf(latencies, measured);
      Arrays.sort(latencies);
      ObjectNode figures = new ObjectMapper().createObjectNode();
      figures.put("records_in", records).put("malformed_in", malformed).put("encoded", output.size())
          .put("dead_lettered", deadLettered).put("duplicates", duplicates).put("missing", missing)
          .put("parity_mismatches", mismatches);
      ObjectNode pv = figures.putObject("per_version");
      perVersion.forEach((v, n) -> pv.put(Integer.toString(v), n));
      // Records per second from job start (throughput mode: the input was all waiting) or first send to the
      // last output; and in steady state, from when the consumer had a fifth of the output to the last.
      int warm = (int) Math.min(output.size() - 1, records / 5);
      long steadyFrom = output.isEmpty() ? started : output.get(Math.max(0, warm)).receivedMillis();
      figures.put("throughput_per_second", records * 1000.0 / Math.max(1, lastReceived - started))
          .put("steady_throughput_per_second", (output.size() - warm) * 1000.0 / Math.max(1, lastReceived - steadyFrom))
          .put("latency_p50_ms", StreamDemoFigures.percentile(latencies, 0.50)).put("latency_p99_ms", StreamDemoFigures.percentile(latencies, 0.99));
      if (out != null) {
        Files.write(out, lines);
      }
      return figures;
    }
  }
}
