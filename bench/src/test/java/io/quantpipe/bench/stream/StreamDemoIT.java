package io.quantpipe.bench.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.bench.stream.StreamDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/quantpipe stream-demo} on siftsmall: its own broker and Flink cluster, a swap and a failure. */
class StreamDemoIT {
  @TempDir
  Path tmp;

  @Test
  void theDemoEncodesEveryRecordOnceAcrossASwapAndAFailure() throws Exception {
    Path json = tmp.resolve("demo.json");
    Path out = tmp.resolve("encoded.jsonl");
    int exit = new CommandLine(new StreamDemo()).execute("--data", Path.of("..", "data", "siftsmall").toString(),
        "--index", tmp.resolve("index").toString(), "--records", "3000", "--json", json.toString(),
        "--out", out.toString());
    assertThat(exit).isZero();
    JsonNode f = new ObjectMapper().readTree(json.toFile());
    assertThat(f.get("records_in").asLong()).isEqualTo(3000);
    assertThat(f.get("encoded").asLong()).isEqualTo(3000);
    assertThat(f.get("malformed_in").asLong()).isEqualTo(3);
    assertThat(f.get("dead_lettered").asLong()).isEqualTo(3);
    assertThat(f.get("duplicates").asLong()).isZero();
    assertThat(f.get("missing").asLong()).isZero();
    assertThat(f.get("parity_mismatches").asLong()).isZero();
    assertThat(f.get("per_version").size()).isEqualTo(2); // the version published mid-stream was taken up
    assertThat(f.get("latency_p99_ms").asLong()).isPositive();
    assertThat(f.get("parse_us_per_record").asDouble()).isPositive();
    assertThat(Files.readAllLines(out)).hasSize(3000).allMatch(l -> l.matches("\\{\"id\":\\d+,\"version\":\\d,\"code\":\"[0-9a-f]{32}\"}"));
  }
}
