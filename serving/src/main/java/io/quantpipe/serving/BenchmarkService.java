package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.eval.IndexEvaluation;
import io.quantpipe.vector.FloatVectors;
import java.util.concurrent.Semaphore;

/**
 * Answers {@code POST /v1/benchmark}: the trade-off report on the running node. The served version
 * (its streamed inserts and deletes included) is searched with the version's held-out queries at
 * the request's parameters or the version's defaults, one query at a time on the request's thread,
 * and compared with the exact neighbours from a full float32 scan of the same live vectors
 * ({@link IndexEvaluation#measureLive}). The answer holds recall@1 and recall@k, latency
 * percentiles, the single-thread QPS they imply, the scan's time, and the node's memory.
 *
 * <p>One benchmark runs at a time (a second gets 409): the exact scan is heavy, and two at once
 * would only measure each other. Searches served meanwhile are unaffected but share the cores.
 * Thread-safe.
 */
final class BenchmarkService {
  private final VersionFollower follower;
  private final Semaphore running = new Semaphore(1);

  BenchmarkService(VersionFollower follower) {
    this.follower = follower;
  }

  /**
   * @throws BadRequestException when the request asks for more queries than the version holds, or
   *     for an {@code nprobe} above its partitions
   * @throws ConflictException when another benchmark runs or the version has no usable queries
   * @throws NotReadyException when no version is served
   */
  ObjectNode run(BenchmarkRequest request) {
    if (!running.tryAcquire()) {
      throw new ConflictException("a benchmark is already running on this node; retry when it finishes");
    }
    try {
      ServedVersion v = follower.acquire();
      try {
        return measure(v, request);
      } finally {
        v.release();
      }
    } finally {
      running.release();
    }
  }

  private static ObjectNode measure(ServedVersion v, BenchmarkRequest request) {
    FloatVectors all = v.heldOut().vectors();
    if (all == null) {
      throw new ConflictException(v.heldOut().problem());
    }
    int n = request.queries() == null ? all.count() : request.queries();
    if (n > all.count()) {
      throw new BadRequestException("'queries' is " + n + "; version " + v.version() + " holds " + all.count()
          + " held-out queries");
    }
    int nprobe = request.nprobe() != null ? request.nprobe() : v.defaults.nprobe();
    if (nprobe > v.centroids) {
      throw new BadRequestException("'nprobe' is " + nprobe + "; version " + v.version() + " has " + v.centroids
          + " partitions");
    }
    int k = request.k();
    int ef = Math.max(k, request.ef() != null ? request.ef() : v.defaults.ef());
    int oversample = request.oversample() != null ? request.oversample() : v.defaults.oversample();
    long t0 = System.nanoTime();
    IndexEvaluation.Result r = IndexEvaluation.measureLive(v.index, all.slice(0, n), k, ef, nprobe, oversample);
    double seconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode out = JsonNodeFactory.instance.objectNode().put("version", v.version());
    out.setAll(r.toJson());
    out.put("qps_one_thread", r.latencyMeanMs() > 0 ? 1000 / r.latencyMeanMs() : 0)
        .put("live_vectors", v.index.liveCount()).put("delta_vectors", v.index.deltaCount())
        .put("truth", "exact float32 scan of the served vectors, streamed ones included")
        .put("seconds", seconds);
    ObjectNode recorded = out.putObject("manifest_evaluation");
    v.manifest.path("evaluation").fields().forEachRemaining(f -> {
      if (!f.getKey().equals("tuning")) {
        recorded.set(f.getKey(), f.getValue());
      }
    });
    Runtime rt = Runtime.getRuntime();
    out.putObject("memory").put("heap_used_bytes", rt.totalMemory() - rt.freeMemory())
        .put("heap_max_bytes", rt.maxMemory()).put("rss_bytes", ResidentMemory.bytes());
    return out;
  }
}
