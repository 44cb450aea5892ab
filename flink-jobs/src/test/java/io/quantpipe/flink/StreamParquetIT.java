package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.flink.testing.LocalKafka;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.storage.stream.ShardSchema;
import io.quantpipe.storage.stream.StreamShardLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional Parquet output: written beside the Kafka output through a task failure, read back
 * with parquet-hadoop alone (every record once, the batch shard columns), and applied to the
 * published index's delta segment by the serving side's {@link StreamShardLoader}.
 */
class StreamParquetIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
  static LocalKafka kafka;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = new LocalKafka();
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  @Test
  void parquetOutputHoldsEveryRecordOnceAndLoadsIntoTheServingIndex() throws Exception {
    Path root = tmp.resolve("index");
    StreamFixtures.publish(root, 1);
    Path parquet = tmp.resolve("stream-shards");
    kafka.createTopics(2, "in-p", "out-p", "dlq-p");
    int inserts = 400; // ids 5000-5399, vectors of base ids 0-399 (so a query finds base twin and insert)
    try (var producer = kafka.producer()) {
      for (int i = 0; i < inserts; i++) {
        long id = 5000 + i;
        producer.send(new ProducerRecord<>("in-p", (int) (id % 2), null,
            StreamFixtures.insert(id, StreamFixtures.base().get(i))));
      }
      // Deletes on the partition of their id's insert, so they follow it: one streamed id, one batch id.
      producer.send(new ProducerRecord<>("in-p", 1, null, "{\"op\":\"delete\",\"id\":5001}".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>("in-p", 0, null, "{\"op\":\"delete\",\"id\":7}".getBytes(StandardCharsets.UTF_8)));
    }
    Map<String, String> m = StreamFixtures.options(kafka.bootstrapServers(), root, "in-p", "out-p", "dlq-p");
    m.put(StreamOptions.PARQUET_OUTPUT, parquet.toString());
    m.put(StreamOptions.FAILURE_DRILL_AFTER, "100"); // encoder subtask 0 fails once, mid-stream
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        org.apache.flink.configuration.Configuration.fromMap(Map.of("restart-strategy.type", "fixed-delay",
            "restart-strategy.fixed-delay.attempts", "3", "restart-strategy.fixed-delay.delay", "200 ms")));
    StreamPipeline.build(env, StreamOptions.fromMap(m));
    JobClient job = env.executeAsync("stream-parquet-it");
    List<Group> rows;
    try {
      assertThat(kafka.readCommitted("out-p", inserts + 2, Duration.ofSeconds(90))).hasSize(inserts + 2);
      rows = awaitRows(parquet.resolve(ShardSchema.versionDir(1)), inserts + 2, Duration.ofSeconds(60));
    } finally {
      job.cancel().get();
    }

    Codebooks books = Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(root)));
    Map<Long, Integer> copies = new HashMap<>();
    for (Group g : rows) {
      long id = g.getLong(ShardSchema.ID, 0);
      copies.merge(id, 1, Integer::sum);
      assertThat(g.getInteger(ShardSchema.CODEBOOK_VERSION, 0)).isEqualTo(1);
      if (!g.getBoolean(ShardSchema.DELETE, 0)) {
        byte[] expected = new byte[books.codeBytes()];
        int partition = books.encode(StreamFixtures.base().get((int) (id - 5000)), expected);
        assertThat(g.getBinary(ShardSchema.CODE, 0).getBytes()).as("code of id %d", id).isEqualTo(expected);
        assertThat(g.getInteger(ShardSchema.PARTITION, 0)).isEqualTo(partition);
        java.nio.FloatBuffer vector = g.getBinary(ShardSchema.VECTOR, 0).toByteBuffer()
            .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] carried = new float[vector.remaining()];
        vector.get(carried);
        assertThat(carried).as("vector of id %d (output-vectors)", id).containsExactly(StreamFixtures.base().get((int) (id - 5000)));
      } else {
        assertThat(g.getFieldRepetitionCount(ShardSchema.VECTOR)).as("a delete carries no vector").isZero();
      }
    }
    assertThat(rows).hasSize(inserts + 2);
    assertThat(copies).hasSize(inserts + 1).allSatisfy((id, n) -> assertThat(n).as("rows of id %d", id)
        .isEqualTo(id == 5001 ? 2 : 1)); // 5001: its insert and its delete

    PartitionedIndex index = PartitionedIndex.open(root.resolve(CatalogPointer.versionDir(1)).resolve("index"), true);
    long before = index.liveCount();
    StreamShardLoader.Loaded loaded = StreamShardLoader.load(index, 1, parquet.toString(), Map.of());
    assertThat(loaded.inserted()).isEqualTo(inserts - 1); // 5001's last record is its delete
    assertThat(loaded.deleted()).isEqualTo(1); // batch id 7 (5001 was never live in the index)
    assertThat(index.liveCount()).isEqualTo(before + inserts - 2);
    IndexHits hits = index.search(StreamFixtures.base().get(2), 10, 64, 4, 4, null);
    List<Long> ids = new ArrayList<>();
    for (long id : hits.ids()) {
      ids.add(id);
    }
    assertThat(ids).as("a streamed vector is found next to its batch twin").contains(5002L, 2L);
    assertThat(ids).doesNotContain(5001L, 7L);

    // Files of one version are refused by an index of another: the codes would not match its codebooks.
    Files.createDirectories(parquet.resolve(ShardSchema.versionDir(2)));
    try (var files = Files.list(parquet.resolve(ShardSchema.versionDir(1)))) {
      Path first = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
      Files.copy(first, parquet.resolve(ShardSchema.versionDir(2)).resolve(first.getFileName()));
    }
    assertThatThrownBy(() -> StreamShardLoader.load(index, 2, parquet.toString(), Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("was encoded by codebook version 1, not 2");
  }

  /** Every committed row under {@code dir}, once at least {@code atLeast} are there or {@code timeout} passed. */
  private static List<Group> awaitRows(Path dir, int atLeast, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Group> rows = new ArrayList<>();
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("part-"))::iterator) {
            var path = new org.apache.hadoop.fs.Path(f.toUri());
            try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
              assertThat(footer.getFileMetaData().getSchema()).isEqualTo(ShardSchema.SCHEMA);
            }
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).build()) {
              for (Group g; (g = reader.read()) != null; ) {
                rows.add(g);
              }
            }
          }
        }
      }
      if (rows.size() >= atLeast || System.nanoTime() > deadline) {
        return rows;
      }
      Thread.sleep(200);
    }
  }
}
