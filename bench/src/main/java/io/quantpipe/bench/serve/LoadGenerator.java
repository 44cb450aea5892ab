package io.quantpipe.bench.serve;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP load generator for {@code POST /v1/search}: request {@code i} is due at
 * {@code start + i / rate}, whatever happened to the earlier ones, and its latency is measured from
 * that due time, not from when it was sent. A node that falls behind therefore shows its queueing
 * in the percentiles instead of silently lowering the offered load (the coordinated omission a
 * closed-loop client such as {@code wrk} suffers; {@code wrk2} measures the same way as this).
 *
 * <p>Requests go over persistent HTTP/1.1 connections of {@link HttpConnection} (one write per
 * request, {@code TCP_NODELAY}): the JDK's {@code HttpClient} added about a millisecond per request
 * here, which would have been charged to the node.
 *
 * <p>Responses are checked: anything but a 200 counts as an error, the answering {@code version}
 * is tallied per second (so a version switch can be located in time), and, when the expected ids
 * are given, recall@k of the answers is averaged. One run per instance; not thread-safe to share.
 */
final class LoadGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Connections, each with its thread: the most requests in flight at the node. Requests due while
   * all are busy wait in the queue, and that wait is in their latency, as it would be for a client.
   */
  private static final int WORKERS = 32;

  /**
   * One second of the run: requests due in it, completed, failed, their latency percentiles
   * (milliseconds, from the due time) and the versions that answered.
   */
  record Second(int second, long due, long ok, long errors, double p50Ms, double p99Ms, double maxMs,
      Map<Integer, Long> versions) {}

  /** The whole measured run (after warm-up). */
  record Result(double rate, double seconds, long due, long ok, long errors, double achievedQps, double p50Ms,
      double p90Ms, double p99Ms, double p999Ms, double maxMs, double recallAtK, List<Second> perSecond,
      String firstError) {}

  private final URI search;
  private final List<byte[]> bodies;
  private final long[][] expected;
  private final int k;

  /**
   * @param search the node's {@code /v1/search} URI
   * @param bodies request bodies, sent round-robin
   * @param expected for body {@code i}, the ids a perfect answer holds (its exact top k), or {@code null}
   */
  LoadGenerator(URI search, List<byte[]> bodies, long[][] expected, int k) {
    this.search = search;
    this.bodies = bodies;
    this.expected = expected;
    this.k = k;
  }

  /** Offers {@code rate} requests per second for {@code warmUp} (not measured) then {@code duration}. */
  Result run(double rate, Duration warmUp, Duration duration) throws InterruptedException {
    long interval = (long) (1e9 / rate);
    long warmUpCount = (long) Math.ceil(warmUp.toNanos() / (double) interval);
    long count = warmUpCount + (long) Math.ceil(duration.toNanos() / (double) interval);
    long start = System.nanoTime() + 50_000_000L;
    long measuredFrom = start + warmUpCount * interval;
    Recorder all = new Recorder(3);
    Map<Integer, Histogram> bySecond = new ConcurrentHashMap<>();
    Map<Integer, Map<Integer, AtomicLong>> versions = new ConcurrentHashMap<>();
    Map<Integer, AtomicLong[]> counts = new ConcurrentHashMap<>(); // second -> {due, ok, errors}
    AtomicLong recallHits = new AtomicLong();
    AtomicLong recallAnswers = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    BlockingQueue<long[]> due = new LinkedBlockingQueue<>(); // {due nanos, body, measured second or -1}
    CountDownLatch done = new CountDownLatch(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      Thread worker = new Thread(() -> {
        HttpConnection connection = null;
        try {
          for (long[] task; (task = due.take())[0] >= 0; ) {
            int second = (int) task[2];
            try {
              if (connection == null) {
                connection = new HttpConnection(search);
              }
              HttpConnection.Response response = connection.post(bodies.get((int) task[1]));
              long latency = System.nanoTime() - task[0];
              if (second < 0) {
                continue;
              }
              if (response.status() != 200) {
                counts.get(second)[2].incrementAndGet();
                firstError.compareAndSet(null, response.status() + " " + new String(response.body(), UTF_8));
                continue;
              }
              JsonNode answer = JSON.readTree(response.body());
              counts.get(second)[1].incrementAndGet();
              all.recordValue(latency / 1000);
              Histogram h = bySecond.computeIfAbsent(second, x -> new Histogram(3));
              synchronized (h) {
                h.recordValue(latency / 1000);
              }
              versions.computeIfAbsent(second, x -> new ConcurrentHashMap<>())
                  .computeIfAbsent(answer.path("version").asInt(), v -> new AtomicLong()).incrementAndGet();
              if (expected != null) {
                recallHits.addAndGet(found(answer, expected[(int) task[1]]));
                recallAnswers.incrementAndGet();
              }
            } catch (IOException | RuntimeException e) {
              if (second >= 0) {
                counts.get(second)[2].incrementAndGet();
              }
              firstError.compareAndSet(null, e.toString());
              closeQuietly(connection);
              connection = null;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          closeQuietly(connection);
          done.countDown();
        }
      }, "load-" + w);
      worker.setDaemon(true);
      worker.start();
    }
    for (long i = 0; i < count; i++) {
      long at = start + i * interval;
      long wait = at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long second = i >= warmUpCount ? (at - measuredFrom) / 1_000_000_000L : -1;
      if (second >= 0) {
        counts.computeIfAbsent((int) second, x -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()})[0]
            .incrementAndGet();
      }
      due.add(new long[] {at, i % bodies.size(), second});
    }
    for (int w = 0; w < WORKERS; w++) {
      due.add(new long[] {-1, 0, -1});
    }
    boolean finished = done.await(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - measuredFrom) / 1e9;
    Histogram h = all.getIntervalHistogram();
    List<Second> perSecond = new ArrayList<>();
    for (Map.Entry<Integer, AtomicLong[]> e : new TreeMap<>(counts).entrySet()) {
      Histogram s = bySecond.getOrDefault(e.getKey(), new Histogram(3));
      Map<Integer, Long> v = new TreeMap<>();
      versions.getOrDefault(e.getKey(), Map.of()).forEach((version, n) -> v.put(version, n.get()));
      perSecond.add(new Second(e.getKey(), e.getValue()[0].get(), e.getValue()[1].get(), e.getValue()[2].get(),
          ms(s, 50), ms(s, 99), s.getMaxValue() / 1000.0, v));
    }
    long ok = perSecond.stream().mapToLong(Second::ok).sum();
    long dueCount = perSecond.stream().mapToLong(Second::due).sum();
    long errors = finished ? perSecond.stream().mapToLong(Second::errors).sum() : dueCount - ok;
    return new Result(rate, seconds, dueCount, ok, errors, ok / seconds, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
        h.getMaxValue() / 1000.0, recallAnswers.get() == 0 ? Double.NaN : recallHits.get() / (double) (recallAnswers.get() * k),
        perSecond, firstError.get());
  }

  private static void closeQuietly(HttpConnection c) {
    if (c != null) {
      c.close();
    }
  }

  private int found(JsonNode answer, long[] truth) {
    int hits = 0;
    for (JsonNode hit : answer.path("hits")) {
      long id = hit.path("id").asLong();
      for (int j = 0; j < Math.min(k, truth.length); j++) {
        if (truth[j] == id) {
          hits++;
          break;
        }
      }
    }
    return hits;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
