package io.quantpipe.storage.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.stream.EncodedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream shards' reader takes the layouts it knows ({@code stream-shard-v1} without vectors)
 * and refuses, naming the file, a file of another layout and one Parquet cannot decode. Files are
 * written with parquet-hadoop's example writer, as another producer of the layout would.
 */
class StreamShardReaderTest {
  private static final Configuration CONF = new Configuration();

  @TempDir
  Path tmp;

  @Test
  void aVersionOneFileReadsWithoutVectors() throws Exception {
    MessageType v1 = new MessageType(ShardSchema.SCHEMA.getName(),
        ShardSchema.SCHEMA.getFields().subList(0, ShardSchema.SCHEMA.getFieldCount() - 1));
    Path file = write("part-v1.parquet", v1, ShardSchema.LAYOUT_V1);
    List<EncodedRecord> records = StreamShardReader.read(new org.apache.hadoop.fs.Path(file.toUri()), CONF);
    assertThat(records).hasSize(1);
    EncodedRecord r = records.get(0);
    assertThat(r.id()).isEqualTo(42);
    assertThat(r.code()).containsExactly(1, 2, 3);
    assertThat(r.codebookVersion()).isEqualTo(3);
    assertThat(r.ingestTimestamp()).isEqualTo(1000);
    assertThat(r.sourceOffset()).isEqualTo(7);
    assertThat(r.vector()).isNull();
  }

  @Test
  void aFileOfAnotherLayoutIsRefusedNamingIt() throws Exception {
    Path file = write("part-v9.parquet", ShardSchema.SCHEMA, "stream-shard-v9");
    assertThatThrownBy(() -> StreamShardReader.read(new org.apache.hadoop.fs.Path(file.toUri()), CONF))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("part-v9.parquet")
        .hasMessageContaining("stream-shard-v9");
  }

  @Test
  void aFileParquetCannotDecodeIsRefusedNamingIt() throws Exception {
    Path file = Files.write(tmp.resolve("part-torn.parquet"), "PAR1 not a footer".getBytes());
    assertThatThrownBy(() -> StreamShardReader.read(new org.apache.hadoop.fs.Path(file.toUri()), CONF))
        .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("part-torn.parquet")
        .hasMessageContaining("not a readable stream shard");
  }

  @Test
  void theLaterRecordByTimestampThenOffsetSupersedes() {
    EncodedRecord early = new EncodedRecord(1, false, 1, 0, new byte[0], null, 100, 0, 9);
    EncodedRecord sameTimeLaterOffset = new EncodedRecord(1, true, 1, -1, new byte[0], null, 100, 0, 10);
    EncodedRecord later = new EncodedRecord(1, false, 1, 0, new byte[0], null, 101, 0, 1);
    assertThat(StreamShardReader.supersedes(sameTimeLaterOffset, early)).isTrue();
    assertThat(StreamShardReader.supersedes(early, sameTimeLaterOffset)).isFalse();
    assertThat(StreamShardReader.supersedes(later, sameTimeLaterOffset)).isTrue();
  }

  /** One insert row (id 42, code 1 2 3, codebook version 3) under {@code schema} and {@code layout}. */
  private Path write(String name, MessageType schema, String layout) throws Exception {
    Path file = tmp.resolve(name);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withType(schema).withConf(CONF).withExtraMetaData(Map.of(ShardSchema.LAYOUT_KEY, layout)).build()) {
      Group g = new SimpleGroupFactory(schema).newGroup()
          .append(ShardSchema.ID, 42L).append(ShardSchema.PARTITION, 0)
          .append(ShardSchema.CODE, Binary.fromConstantByteArray(new byte[] {1, 2, 3}))
          .append(ShardSchema.CODEBOOK_VERSION, 3).append(ShardSchema.DELETE, false)
          .append(ShardSchema.INGEST_TS, 1000L).append(ShardSchema.SOURCE_OFFSET, 7L);
      writer.write(g);
    }
    return file;
  }
}
