package io.quantpipe.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Partition files written by an earlier build, per released format version, must still serve. */
class HnswGoldenFixtureTest {

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(HnswGoldenFixtureTest.class.getResource("/fixtures/" + name).toURI());
  }

  @Test
  void versionOnePartitionStillOpensAndAnswersTheSame() throws Exception {
    QuantizerArtifact sq8 = QuantizerCodec.read(fixture("sq8-v1.qpa"));
    HnswPartition partition = HnswPartition.open(fixture("hnsw-v1.qph"), sq8, true);
    Properties expected = new Properties();
    expected.load(new StringReader(Files.readString(fixture("hnsw-v1.properties"))));
    assertThat(partition.size()).isEqualTo(HnswGoldenFixture.NODES);
    assertThat(partition.m()).isEqualTo(8);
    assertThat(partition.entryPoint()).isEqualTo(Integer.parseInt(expected.getProperty("entry_point")));
    assertThat(partition.maxLevel()).isEqualTo(Integer.parseInt(expected.getProperty("max_level")));
    assertThat(partition.id(7)).isEqualTo(HnswGoldenFixture.idOf(7));
    assertThat(partition.ordinalOf(HnswGoldenFixture.idOf(299))).isEqualTo(299);
    String answers = HnswGoldenFixture.answers(partition);
    for (String line : answers.split("\n")) {
      String[] kv = line.split("=");
      assertThat(kv[1]).as(kv[0]).isEqualTo(expected.getProperty(kv[0]));
    }
  }
}
