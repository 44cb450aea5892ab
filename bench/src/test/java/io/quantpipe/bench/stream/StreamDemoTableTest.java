package io.quantpipe.bench.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class StreamDemoTableTest {
  @Test
  void figuresPrintOneRowEach() {
    ObjectNode f = new ObjectMapper().createObjectNode().put("records_in", 20000).put("latency_p99_ms", 412)
        .put("throughput_per_second", 3173.59);
    f.putObject("per_version").put("1", 6571).put("2", 13429);
    assertThat(StreamDemoFigures.table(f)).isEqualTo("""

        | figure | value |
        |---|---:|
        | records_in | 20,000 |
        | latency_p99_ms | 412 |
        | throughput_per_second | 3,173.6 |
        | per_version | {1:6571,2:13429} |
        """);
  }
}
