package io.quantpipe.bench.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/quantpipe bench serve-load}: offers a serving node a fixed rate of searches (open loop,
 * {@link LoadGenerator}) at each of {@code --rates}, and prints per rate the achieved QPS, latency
 * percentiles measured from each request's due time, errors and, with {@code --groundtruth}, the
 * recall@k of the answers. Run it in a JVM of its own, on other cores than the node
 * ({@code taskset}), so the client does not compete with what it measures.
 */
@Command(name = "serve-load", mixinStandardHelpOptions = true,
    description = "Open-loop load on a serving node's POST /v1/search: per offered rate, achieved QPS, latency "
        + "p50/p90/p99/p99.9 from each request's due time, errors, versions seen per second and recall@k.")
public final class ServeLoadCommand implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The node (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--queries", required = true, description = "Query vectors (fvecs), sent round-robin as vector_b64.")
  Path queries;

  @Option(names = "--groundtruth", description = "Exact neighbour ids per query (ivecs): the answers' recall@k.")
  Path groundtruth;

  @Option(names = "--k", defaultValue = "10", description = "Hits per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--rates", split = ",", required = true, description = "Offered requests per second, one run each.")
  List<Double> rates;

  @Option(names = "--duration", defaultValue = "20", description = "Measured seconds per rate (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds first (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--nprobe", description = "Sent with every request; default: the version's tuned value.")
  Integer nprobe;

  @Option(names = "--ef", description = "Sent with every request; default: the version's tuned value.")
  Integer ef;

  @Option(names = "--oversample", description = "Sent with every request; default: the version's tuned value.")
  Integer oversample;

  @Option(names = "--json", description = "Append one JSON object per rate (per-second figures included).")
  Path json;

  @Override
  public Integer call() throws Exception {
    FloatVectors q = FvecsReader.readFvecs(queries);
    long[][] truth = null;
    if (groundtruth != null) {
      int[][] rows = FvecsReader.readIvecs(groundtruth);
      if (rows.length < q.count()) {
        throw new IllegalArgumentException("--groundtruth " + groundtruth + " has " + rows.length + " rows for "
            + q.count() + " queries");
      }
      truth = new long[q.count()][];
      for (int i = 0; i < q.count(); i++) {
        truth[i] = java.util.Arrays.stream(rows[i]).limit(k).mapToLong(x -> x).toArray();
      }
    }
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < q.count(); i++) {
      bodies.add(body(q.get(i)));
    }
    LoadGenerator load = new LoadGenerator(url.resolve("/v1/search"), bodies, truth, k);
    ObjectMapper mapper = new ObjectMapper();
    System.out.printf(Locale.ROOT, "%10s %10s %8s %8s %8s %8s %8s %8s %7s %9s%n", "offered/s", "achieved/s", "p50 ms",
        "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "recall", "versions");
    for (double rate : rates) {
      LoadGenerator.Result r = load.run(rate, Duration.ofMillis((long) (warmup * 1000)),
          Duration.ofMillis((long) (duration * 1000)));
      java.util.Set<Integer> versions = new java.util.TreeSet<>();
      r.perSecond().forEach(s -> versions.addAll(s.versions().keySet()));
      System.out.printf(Locale.ROOT, "%10.1f %10.1f %8.3f %8.3f %8.3f %8.3f %8.3f %8d %7.4f %9s%n", rate, r.achievedQps(),
          r.p50Ms(), r.p90Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.errors(), r.recallAtK(), versions);
      if (r.firstError() != null) {
        System.out.println("  first error: " + r.firstError());
      }
      if (json != null) {
        ObjectNode line = mapper.valueToTree(r);
        line.put("kind", "load").put("k", k).put("url", url.toString());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(json, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND))) {
          out.println(mapper.writeValueAsString(line));
        }
      }
    }
    return 0;
  }

  private byte[] body(float[] vector) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      b.putFloat(f);
    }
    StringBuilder s = new StringBuilder("{\"vector_b64\": \"").append(Base64.getEncoder().encodeToString(b.array()))
        .append("\", \"k\": ").append(k);
    if (nprobe != null) {
      s.append(", \"nprobe\": ").append(nprobe);
    }
    if (ef != null) {
      s.append(", \"ef\": ").append(ef);
    }
    if (oversample != null) {
      s.append(", \"oversample\": ").append(oversample);
    }
    return s.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }
}
