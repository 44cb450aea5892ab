package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document matches the handler: the same paths, the request fields the parser knows,
 * and every example body parses.
 */
class OpenApiTest {
  private final JsonNode api = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper().readTree(ApiHandler.OPENAPI);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void documentsExactlyThePathsTheHandlerRoutes() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/quantpipe/serving/ApiHandler.java"));
    Matcher m = Pattern.compile("case (\"/[^\"]+\"(?:, \"/[^\"]+\")*) ->").matcher(source);
    TreeSet<String> routed = new TreeSet<>();
    while (m.find()) {
      for (String p : m.group(1).split(", ")) {
        routed.add(p.replace("\"", ""));
      }
    }
    TreeSet<String> documented = new TreeSet<>();
    api.path("paths").fieldNames().forEachRemaining(documented::add);
    assertThat(documented).isEqualTo(routed);
  }

  @Test
  void theRequestSchemaHasTheParsersFieldsAndItsExamplesParse() {
    List<String> fields = new ArrayList<>();
    api.at("/components/schemas/SearchRequest/properties").fieldNames().forEachRemaining(fields::add);
    assertThat(String.join(", ", fields)).isEqualTo(SearchRequest.FIELDS);
    JsonNode examples = api.at("/paths/~1v1~1search/post/requestBody/content/application~1json/examples");
    assertThat(examples.size()).isEqualTo(4);
    examples.forEach(e -> assertThat(SearchRequest.parse(e.path("value").toString().getBytes(), 1000, 1024).k())
        .isPositive());
  }

  @Test
  void theBenchmarkSchemaHasTheParsersFieldsAndItsExamplesParse() {
    List<String> fields = new ArrayList<>();
    api.at("/components/schemas/BenchmarkRequest/properties").fieldNames().forEachRemaining(fields::add);
    assertThat(String.join(", ", fields)).isEqualTo(BenchmarkRequest.FIELDS);
    JsonNode examples = api.at("/paths/~1v1~1benchmark/post/requestBody/content/application~1json/examples");
    assertThat(examples.size()).isEqualTo(3);
    examples.forEach(e -> assertThat(BenchmarkRequest.parse(e.path("value").toString().getBytes(), 1000).k())
        .isPositive());
  }
}
