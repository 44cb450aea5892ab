package io.quantpipe.serving;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.quantpipe.index.IndexHits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;

/**
 * Answers a {@link SearchRequest} on the served version: acquires it (so a version switch cannot
 * close it mid-query), fills in the parameters the request left out from the version's
 * {@link SearchDefaults}, searches each query vector and writes the response:
 *
 * <pre>
 * {"version": 3, "hits": [{"id": 17, "score": -0.52}, ...], "took_ms": 0.41}              one vector
 * {"version": 3, "results": [{"hits": [...]}, ...], "took_ms": 3.2}                       a batch
 * </pre>
 *
 * Scores are higher-is-better (the negated squared distance for L2, the dot product for inner
 * product and cosine). {@code ef} below {@code k} is raised to {@code k}, as FAISS and hnswlib do.
 * Thread-safe.
 */
final class SearchService {
  private static final JsonFactory JSON = new JsonFactory();

  private final VersionFollower follower;
  private final NodeMetrics metrics;
  private final AtomicReference<Instant> firstAnswer = new AtomicReference<>();

  SearchService(VersionFollower follower, NodeMetrics metrics) {
    this.follower = follower;
    this.metrics = metrics;
  }

  /**
   * The response body for {@code request}.
   *
   * @throws BadRequestException when the request does not fit the served version (dimension, nprobe)
   * @throws NotReadyException when no version is served
   */
  byte[] search(SearchRequest request, long startNanos) {
    ServedVersion v = follower.acquire();
    try {
      request.checkDimension(v.index.dimension());
      int nprobe = request.nprobe() != null ? request.nprobe() : v.defaults.nprobe();
      if (nprobe > v.centroids) {
        throw new BadRequestException("'nprobe' is " + nprobe + "; version " + v.version() + " has " + v.centroids
            + " partitions");
      }
      int k = request.k();
      int ef = Math.max(k, request.ef() != null ? request.ef() : v.defaults.ef());
      int oversample = request.oversample() != null ? request.oversample() : v.defaults.oversample();
      LongPredicate filter = filter(request.filterIds());
      IndexHits[] answers = new IndexHits[request.queries().length];
      for (int i = 0; i < answers.length; i++) {
        try {
          answers[i] = v.index.search(request.queries()[i], k, ef, nprobe, oversample, filter);
        } catch (IllegalArgumentException e) { // a vector the metric cannot score (zero under cosine)
          throw new BadRequestException("'" + (request.batch() ? "vectors[" + i + "]" : "vector") + "': " + e.getMessage());
        }
      }
      byte[] body = write(v.version(), request.batch(), answers, startNanos);
      metrics.searched(answers.length, System.nanoTime() - startNanos);
      firstAnswer.compareAndSet(null, Instant.now());
      return body;
    } finally {
      v.release();
    }
  }

  /** When the node answered its first search, or {@code null}. */
  Instant firstAnswer() {
    return firstAnswer.get();
  }

  private static LongPredicate filter(long[] ids) {
    if (ids == null) {
      return null;
    }
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    return id -> Arrays.binarySearch(sorted, id) >= 0;
  }

  private static byte[] write(int version, boolean batch, IndexHits[] answers, long startNanos) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + answers.length * answers[0].size() * 40);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("version", version);
      if (batch) {
        g.writeArrayFieldStart("results");
        for (IndexHits hits : answers) {
          g.writeStartObject();
          writeHits(g, hits);
          g.writeEndObject();
        }
        g.writeEndArray();
      } else {
        writeHits(g, answers[0]);
      }
      g.writeNumberField("took_ms", (System.nanoTime() - startNanos) / 1e6);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  private static void writeHits(JsonGenerator g, IndexHits hits) throws IOException {
    g.writeArrayFieldStart("hits");
    for (int i = 0; i < hits.size(); i++) {
      g.writeStartObject();
      g.writeNumberField("id", hits.ids()[i]);
      g.writeNumberField("score", hits.scores()[i]);
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
