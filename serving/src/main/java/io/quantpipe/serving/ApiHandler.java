package io.quantpipe.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API on Jetty's core handler (no servlet layer): routes by method and path,
 * checks the bearer token, reads bodies up to {@code max-body-bytes}, and turns every failure into
 * a JSON answer, so that no request can take the node down:
 * <ul>
 *   <li>{@code 400} {@link BadRequestException}: the message names the field;
 *   <li>{@code 401} a missing or wrong token (when {@code QUANTPIPE_SERVE_TOKEN} is set);
 *   <li>{@code 404}/{@code 405} an unknown path or method;
 *   <li>{@code 503} {@link NotReadyException}: no version served yet, with the reason;
 *   <li>{@code 500} anything else, logged with its stack trace.
 * </ul>
 * The API is described by {@code openapi.json} (served at {@code /v1/openapi.json}).
 * {@code /v1/health}, {@code /v1/health/live} and {@code /metrics} need no token, so load balancers
 * and Prometheus reach them. Thread-safe; handlers run on Jetty's worker threads and block.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";
  /** The most bytes of a too-large body read and dropped before the 400 is sent. */
  private static final long DISCARD_LIMIT = 64L << 20;
  /** The API's description (OpenAPI 3), a resource beside this class. */
  static final byte[] OPENAPI = openApi();

  private final ServeOptions options;
  private final SearchService search;
  private final BenchmarkService benchmark;
  private final NodeStatus status;
  private final NodeMetrics metrics;
  private final byte[] token;

  /** @param token the bearer token every API call but health and metrics must carry, or {@code null} for none */
  ApiHandler(ServeOptions options, SearchService search, BenchmarkService benchmark, NodeStatus status,
      NodeMetrics metrics, String token) {
    this.options = options;
    this.search = search;
    this.benchmark = benchmark;
    this.status = status;
    this.metrics = metrics;
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    String endpoint = switch (path) {
      case "/v1/search", "/v1/benchmark", "/v1/health", "/v1/health/live", "/v1/stats", "/v1/versions", "/metrics",
          "/v1/openapi.json" -> path;
      default -> "other";
    };
    String outcome = "ok";
    try {
      switch (path) {
        case "/v1/health/live" -> json(response, callback, 200, JSON.createObjectNode().put("live", true));
        case "/v1/health" -> {
          ObjectNode health = status.health();
          json(response, callback, status.ready() ? 200 : 503, health);
        }
        case "/metrics" -> {
          expect(method, "GET");
          send(response, callback, 200, NodeMetrics.contentType(), metrics.scrape());
        }
        case "/v1/search" -> {
          authorize(request);
          expect(method, "POST");
          SearchRequest parsed = SearchRequest.parse(body(request, false), options.maxK(), options.maxBatch());
          send(response, callback, 200, JSON_TYPE, search.search(parsed, start));
        }
        case "/v1/benchmark" -> {
          authorize(request);
          expect(method, "POST");
          json(response, callback, 200, benchmark.run(BenchmarkRequest.parse(body(request, true), options.maxK())));
        }
        case "/v1/stats" -> {
          authorize(request);
          expect(method, "GET");
          json(response, callback, 200, status.stats());
        }
        case "/v1/openapi.json" -> {
          expect(method, "GET");
          send(response, callback, 200, JSON_TYPE, OPENAPI);
        }
        case "/v1/versions" -> {
          authorize(request);
          expect(method, "GET");
          json(response, callback, 200, status.versions());
        }
        default -> throw new HttpFailure(404, "no endpoint " + path + "; the API has POST /v1/search, POST /v1/benchmark, GET /v1/health, "
            + "GET /v1/stats, GET /v1/versions, GET /metrics and GET /v1/openapi.json");
      }
    } catch (BadRequestException e) {
      outcome = "bad_request";
      error(response, callback, 400, e.getMessage());
    } catch (ConflictException e) {
      outcome = "conflict";
      error(response, callback, 409, e.getMessage());
    } catch (NotReadyException e) {
      outcome = "unavailable";
      error(response, callback, 503, "not ready: " + e.getMessage());
    } catch (HttpFailure e) {
      outcome = e.status == 401 ? "unauthorized" : "bad_request";
      if (e.status == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      error(response, callback, e.status, e.getMessage());
    } catch (IOException | RuntimeException e) {
      outcome = "error";
      LOG.error("{} {} failed", method, path, e);
      error(response, callback, 500, "internal error: " + e);
    }
    metrics.request(endpoint, outcome);
    return true;
  }

  private void authorize(Request request) {
    if (token == null) {
      return;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      throw new HttpFailure(401, "missing bearer token: send 'Authorization: Bearer <token>'");
    }
    byte[] given = header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) { // constant time: no timing hint at the token
      throw new HttpFailure(401, "wrong bearer token");
    }
  }

  private static void expect(String method, String allowed) {
    if (!allowed.equals(method)) {
      throw new HttpFailure(405, "method " + method + " is not allowed here; use " + allowed);
    }
  }

  /** @param emptyAllowed whether an empty body is a request for the defaults (else a 400) */
  private byte[] body(Request request, boolean emptyAllowed) throws IOException {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes(options.maxBodyBytes() + 1);
      if (body.length > options.maxBodyBytes()) {
        // Read the rest before answering (up to a bound): a client still sending when the server
        // closes sees a reset connection instead of the 400 that says why.
        long rest = in.skip(DISCARD_LIMIT);
        throw new BadRequestException("body is " + (declared > 0 ? declared : body.length + rest + "+") + " bytes; the "
            + "limit is " + options.maxBodyBytes() + " (max-body-bytes)");
      }
      if (body.length == 0 && !emptyAllowed) {
        throw new BadRequestException("empty body: send a JSON object with a 'vector' field");
      }
      return body;
    }
  }

  private static void json(Response response, Callback callback, int status, ObjectNode body) throws IOException {
    send(response, callback, status, JSON_TYPE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
  }

  private static void error(Response response, Callback callback, int status, String message) {
    try {
      send(response, callback, status, JSON_TYPE, JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message)));
    } catch (IOException e) {
      callback.failed(e);
    }
  }

  private static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] openApi() {
    try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.json is missing from the serving jar", e);
    }
  }

  /** An HTTP failure other than a bad field: auth, method, path. */
  private static final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    HttpFailure(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
