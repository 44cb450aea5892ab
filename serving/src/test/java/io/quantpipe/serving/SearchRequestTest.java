package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies parse field by field; each refusal names the field. */
class SearchRequestTest {
  private static SearchRequest parse(String json) {
    return SearchRequest.parse(json.getBytes(StandardCharsets.UTF_8), 100, 4);
  }

  @Test
  void parsesEveryField() {
    SearchRequest r = parse("{\"vector\": [1, 2.5, -3e-2], \"k\": 7, \"nprobe\": 2, \"ef\": 40, \"oversample\": 3, "
        + "\"filter_ids\": [5, 9]}");
    assertThat(r.queries()).hasDimensions(1, 3);
    assertThat(r.queries()[0]).containsExactly(1f, 2.5f, -0.03f);
    assertThat(r.batch()).isFalse();
    assertThat(r).extracting(SearchRequest::k, SearchRequest::nprobe, SearchRequest::ef, SearchRequest::oversample)
        .containsExactly(7, 2, 40, 3);
    assertThat(r.filterIds()).containsExactly(5, 9);
    SearchRequest defaults = parse("{\"vectors\": [[1], [2]]}");
    assertThat(defaults.batch()).isTrue();
    assertThat(defaults.k()).isEqualTo(10);
    assertThat(defaults.nprobe()).isNull();
    // 1.0f and 2.0f, little-endian
    assertThat(parse("{\"vector_b64\": \"AACAPwAAAEA=\"}").queries()[0]).containsExactly(1f, 2f);
  }

  @Test
  void refusalsNameTheField() {
    assertThatThrownBy(() -> parse("{\"vector\": [1, NaN]}")).hasMessage("'vector[1]' is NaN, not a finite float32");
    assertThatThrownBy(() -> parse("{\"vector\": [1, Infinity]}")).hasMessageContaining("'vector[1]' is Infinity");
    assertThatThrownBy(() -> parse("{\"vector\": []}")).hasMessage("'vector' is empty");
    assertThatThrownBy(() -> parse("{\"vector\": 3}")).hasMessageContaining("'vector' must be an array of numbers");
    assertThatThrownBy(() -> parse("{\"vector\": [1], \"k\": 1000}")).hasMessageContaining("'k' is 1000; it must be in [1, 100]");
    assertThatThrownBy(() -> parse("{\"vector\": [1], \"k\": 99999999999999999999}")).hasMessageContaining("'k' is 9999");
    assertThatThrownBy(() -> parse("{\"vector\": [1], \"K\": 3}")).hasMessageContaining("unknown field 'K'");
    assertThatThrownBy(() -> parse("{\"vectors\": [[1], [2], [3], [4], [5]]}")).hasMessageContaining("more than 4");
    assertThatThrownBy(() -> parse("{\"vectors\": [[1], 2]}")).hasMessageContaining("'vectors[1]' must be an array");
    assertThatThrownBy(() -> parse("{\"vector_b64\": \"AACAPwA=\"}")).hasMessageContaining("5 bytes");
    assertThatThrownBy(() -> parse("{\"vector\": [1]} trailing")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("{\"vector\": [1],}")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("{\"vector\": [1], \"filter_ids\": [\"7\"]}")).hasMessageContaining("'filter_ids[0]'");
    SearchRequest r = parse("{\"vectors\": [[1, 2], [1]]}");
    assertThatThrownBy(() -> r.checkDimension(2)).hasMessage("'vectors[1]' has 1 dimensions; the index's dimension is 2");
  }
}
