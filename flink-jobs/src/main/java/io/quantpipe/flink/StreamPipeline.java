package io.quantpipe.flink;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.config.ConfFile;
import io.quantpipe.flink.codebook.CodebookWatcherSource;
import io.quantpipe.flink.codebook.EncodeOperator;
import io.quantpipe.storage.IndexRoot;
import io.quantpipe.flink.parquet.ParquetShardWriterFactory;
import io.quantpipe.flink.parquet.VersionBucketAssigner;
import io.quantpipe.flink.record.DeadLetterSerializer;
import io.quantpipe.flink.record.DriftReportSerializer;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.flink.record.EncodedRecordSerializer;
import io.quantpipe.flink.record.RawRecord;
import io.quantpipe.flink.record.RawRecordDeserializer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The streaming quantizer: inserts and deletes from Kafka, encoded with the codebooks of the index's
 * current published version, written exactly once to the output topic; bad records to the
 * dead-letter topic. A new published version is picked up without a restart.
 *
 * <pre>
 * kafka(input) ──────────────────────→ parse + encode ──→ kafka(output, exactly once)
 *        codebook watcher ─broadcast─┘      │  │
 *                                           │  └─ drifted windows ──→ kafka(drift, exactly once)
 *                                           └─ malformed, wrong dimension ──→ kafka(dead letters, exactly once)
 *                                   (optional) ──→ Parquet files in the batch shard layout (exactly once)
 * </pre>
 * Operators carry stable uids, so savepoints survive changes to the job. Object reuse is on: no
 * function keeps or changes a record it was handed, so chained operators pass records without
 * copying them. {@link StreamQuantizerJob} holds the options. Stateless.
 */
public final class StreamPipeline {
  private StreamPipeline() {}

  /** Builds the job the command describes and runs it until it is cancelled; returns the exit code. */
  static int run(StreamQuantizerJob command) throws Exception {
    StreamOptions options;
    try {
      Map<String, String> settings = new LinkedHashMap<>(ConfFile.read(command.conf));
      for (String set : command.sets) {
        var e = ConfFile.parseOverride(set, "--set");
        settings.put(e.getKey(), e.getValue());
      }
      options = StreamOptions.fromMap(settings);
    } catch (IllegalArgumentException e) {
      System.err.println("stream: " + e.getMessage());
      return 2;
    }
    try {
      checkIndexRoot(options.indexRoot());
    } catch (IOException e) {
      System.err.println("stream: " + e.getMessage());
      return 2;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(options.flinkConf()));
    build(env, options);
    env.execute("quantpipe stream quantizer");
    return 0;
  }

  /**
   * Fails fast, before a job is submitted, when the index root cannot be read (unreachable, denied,
   * no such bucket) or its current release fails a check; a root with nothing published yet is
   * fine (records wait for the first release).
   *
   * @throws IOException naming the root and the reason
   */
  static void checkIndexRoot(IndexRoot root) throws IOException {
    try (BlobStore store = root.open()) {
      if (store.read(CatalogPointer.FILE) != null) {
        Codebooks.of(CodebookRelease.fetchCurrent(store));
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("index root " + root.uri() + " is not usable: " + e.getMessage(), e);
    }
  }

  /** Adds the job to {@code env}: sources, operators, sinks and checkpointing. */
  public static void build(StreamExecutionEnvironment env, StreamOptions o) {
    env.enableCheckpointing(o.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
    KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(o.bootstrapServers())
        .setTopics(o.inputTopic())
        .setGroupId(o.groupId())
        .setStartingOffsets(switch (o.startingOffsets()) {
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        })
        .setDeserializer(new RawRecordDeserializer())
        .build();
    env.getConfig().enableObjectReuse();
    var raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "inserts").uid("kafka-inserts")
        .setParallelism(o.parallelism());
    DataStream<CodebookRelease> codebooks = env
        .fromSource(new CodebookWatcherSource(o.indexRoot(), o.codebookPollMillis()), WatermarkStrategy.noWatermarks(),
            "codebook watcher", TypeInformation.of(CodebookRelease.class))
        .uid("codebook-watcher").setParallelism(1);
    SingleOutputStreamOperator<EncodedRecord> encoded = raw.connect(codebooks.broadcast())
        .transform("parse + encode", TypeInformation.of(EncodedRecord.class),
            new EncodeOperator(o.driftThresholds(), o.failureDrillAfter(), o.outputVectors()))
        .uid("encode").setParallelism(o.parallelism());
    encoded.sinkTo(sink(o, "encoded", new EncodedRecordSerializer(o.outputTopic())))
        .uid("sink-encoded").name("encoded → " + o.outputTopic()).setParallelism(o.parallelism());
    encoded.getSideOutput(EncodeOperator.DEAD_LETTERS).sinkTo(sink(o, "dead-letters", new DeadLetterSerializer(o.deadLetterTopic())))
        .uid("sink-dead-letters").name("dead letters → " + o.deadLetterTopic()).setParallelism(o.parallelism());
    if (!o.parquetOutput().isEmpty()) {
      encoded.sinkTo(parquetSink(o.parquetOutput())).uid("sink-parquet").name("encoded → parquet")
          .setParallelism(o.parallelism());
    }
    encoded.getSideOutput(EncodeOperator.DRIFT)
        .sinkTo(sink(o, "drift", new DriftReportSerializer(o.driftTopic())))
        .uid("sink-drift").name("drift → " + o.driftTopic()).setParallelism(1);
  }

  /** Parquet files in the batch shard layout, one directory per codebook version, committed on checkpoints. */
  private static FileSink<EncodedRecord> parquetSink(String output) {
    Path local = new IndexRoot(output, Map.of()).localPath(); // the same reading of a path or URI as the index root's
    org.apache.flink.core.fs.Path dir = local != null
        ? org.apache.flink.core.fs.Path.fromLocalFile(local.toFile())
        : new org.apache.flink.core.fs.Path(URI.create(output));
    return FileSink.forBulkFormat(dir, new ParquetShardWriterFactory())
        .withBucketAssigner(new VersionBucketAssigner())
        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
        .build();
  }

  private static <T> KafkaSink<T> sink(StreamOptions o, String name, KafkaRecordSerializationSchema<T> serializer) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(o.bootstrapServers())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + name)
        .setProperty("transaction.timeout.ms", Integer.toString(o.transactionTimeoutMillis()))
        // Output is visible only when a checkpoint commits, so waiting to fill a batch costs no latency
        // that read_committed consumers see; bigger batches mean fewer broker requests per record.
        .setProperty("linger.ms", "50")
        .setProperty("batch.size", Integer.toString(256 * 1024))
        .build();
  }
}
