package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A real HTTP client (java.net.http) for a node on 127.0.0.1. Thread-safe. */
final class NodeClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** A status and the body, parsed when it is JSON. */
  record Answer(int status, String body, JsonNode json) {}

  NodeClient(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Answer post(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json"));
  }

  /** {@code POST /v1/search} of one vector with the given extra fields ({@code "k": 5, ...} or empty). */
  Answer search(float[] vector, String extra) throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder("{\"vector\":[");
    for (int i = 0; i < vector.length; i++) {
      b.append(i == 0 ? "" : ",").append(vector[i]);
    }
    b.append(']');
    if (!extra.isEmpty()) {
      b.append(',').append(extra);
    }
    return post("/v1/search", b.append('}').toString());
  }

  /** Polls {@code GET path} until {@code until} holds or {@code timeout} passes; returns the last answer. */
  Answer await(String path, Predicate<Answer> until, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer last = get(path);
    while (!until.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = get(path);
    }
    return last;
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      json = JSON.readTree(r.body());
    }
    return new Answer(r.statusCode(), r.body(), json);
  }
}
