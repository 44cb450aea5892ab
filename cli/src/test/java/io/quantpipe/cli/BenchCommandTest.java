package io.quantpipe.cli;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

  @Test
  void kernelsWritesOneRecordPerKernelWithTheReferenceFields(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("kernels.jsonl");
    CliRun run = CliRun.of("bench", "kernels", "--dims", "64", "--n", "2000", "--min-time", "0.01", "--repeat", "1",
        "--json", json.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("implementation=panama-256").contains("pq_adc").contains("point*centroid*iter");
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(json)) {
      records.add(mapper.readTree(line));
    }
    assertThat(records.get(0).path("kind").asText()).isEqualTo("env");
    assertThat(records.get(0).path("kernels").asText()).isEqualTo("panama-256");
    List<String> kernels = new ArrayList<>();
    for (JsonNode r : records.subList(1, records.size())) {
      kernels.add(r.path("kernel").asText());
      assertThat(r.path("d").asInt()).isEqualTo(64);
      assertThat(r.path("n").asInt()).isEqualTo(2000);
      assertThat(r.path("seconds").asDouble()).isPositive();
      assertThat(r.path("ns_per_item").asDouble()).isPositive();
      if (!r.path("kernel").asText().equals("kmeans")) {
        assertThat(r.path(r.path("unit").asText() + "_per_second").asDouble()).isPositive();
        assertThat(r.path("nq").asInt()).isPositive();
      }
    }
    assertThat(kernels).containsExactly("flat", "exact_knn", "sq8_encode", "sq8", "sq4", "pq_adc", "pq4_fastscan", "pq_encode",
        "hamming", "rabitq1", "rabitq1_fastscan", "kmeans");
    JsonNode pq4 = records.stream().filter(r -> r.path("kernel").asText().equals("pq4_fastscan")).findFirst().orElseThrow();
    assertThat(pq4.path("params").path("M").asInt()).isEqualTo(8); // pq's M at 4 bits: half the code bytes
    assertThat(pq4.path("params").path("code_bytes").asInt()).isEqualTo(4);
    JsonNode pq = records.stream().filter(r -> r.path("kernel").asText().equals("pq_adc")).findFirst().orElseThrow();
    assertThat(pq.path("params").path("M").asInt()).isEqualTo(8); // d/8, as reference_ann.py picks it
  }

  @Test
  void unknownKernelsAndTooFewPointsAreRejectedByName() {
    CliRun unknown = CliRun.of("bench", "kernels", "--kernels", "flat,ivf");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("--kernels").contains("'ivf'");
    CliRun few = CliRun.of("bench", "kernels", "--n", "100", "--kernels", "kmeans");
    assertThat(few.code()).isEqualTo(2);
    assertThat(few.err()).contains("--n 100").contains("256");
  }
}
