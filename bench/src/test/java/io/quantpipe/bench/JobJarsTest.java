package io.quantpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded job jars a cluster runs carry the job and what it links, and nothing a demo or a test
 * needs: no Kafka broker, no test kit, no benchmark or CLI classes. (They run after the engine
 * modules are packaged, which is why they live in the module built after them.)
 */
class JobJarsTest {
  /** Artifacts (as the shade plugin records them under META-INF/maven/) and classes a job jar must not hold. */
  private static final List<String> FORBIDDEN = List.of("META-INF/maven/org.apache.kafka/kafka-server/",
      "META-INF/maven/org.apache.kafka/kafka_", "META-INF/maven/org.apache.kafka/kafka-test-common",
      "META-INF/maven/org.apache.kafka/kafka-raft/", "META-INF/maven/org.apache.kafka/kafka-metadata/",
      "META-INF/maven/org.apache.kafka/kafka-storage", "META-INF/maven/org.junit", "META-INF/maven/io.quantpipe/bench/",
      "META-INF/maven/io.quantpipe/cli/", "kafka/server/", "org/apache/kafka/common/test/", "org/junit/",
      "io/quantpipe/bench/", "io/quantpipe/cli/", "io/quantpipe/flink/testing/", "io/quantpipe/spark/testing/");

  @ParameterizedTest
  @ValueSource(strings = {"flink-jobs", "spark-jobs"})
  void aJobJarHoldsNoBrokerTestKitOrDemo(String module) throws IOException {
    Path jar = jobJar(module);
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> offending = file.stream().map(e -> e.getName())
          .filter(name -> FORBIDDEN.stream().anyMatch(name::startsWith)).limit(5).toList();
      assertThat(offending).as(jar + " holds classes a cluster job must not carry").isEmpty();
      assertThat(file.getEntry("io/quantpipe/storage/PublishedIndex.class")).as("storage inside " + jar).isNotNull();
    }
  }

  private static Path jobJar(String module) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
          .orElseThrow(() -> new IOException("No job jar under ../" + module + "/target: package " + module + " first"));
    }
  }
}
