package io.quantpipe.flink;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.config.ConfFile;
import io.quantpipe.flink.codebook.CodebookWatcherSource;
import io.quantpipe.flink.codebook.EncodeFunction;
import io.quantpipe.flink.record.DeadLetter;
import io.quantpipe.flink.record.DeadLetterSerializer;
import io.quantpipe.flink.record.DriftReportSerializer;
import io.quantpipe.flink.record.EncodedRecord;
import io.quantpipe.flink.record.EncodedRecordSerializer;
import io.quantpipe.flink.record.InsertRecord;
import io.quantpipe.flink.record.ParseFunction;
import io.quantpipe.flink.record.RawRecord;
import io.quantpipe.flink.record.RawRecordDeserializer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The streaming quantizer: inserts and deletes from Kafka, encoded with the codebooks of the index's
 * current published version, written exactly once to the output topic; bad records to the
 * dead-letter topic. A new published version is picked up without a restart.
 *
 * <pre>
 * kafka(input) → parse ─┬─────────────────────────────→ encode ──→ kafka(output, exactly once)
 *                       │  codebook watcher ─broadcast─┘   │
 *                       └─ malformed ──────────┬─ wrong dimension   └─ drifted windows → kafka(drift)
 *                                              └──────────────────→ kafka(dead letters, exactly once)
 * </pre>
 * Operators carry stable uids, so savepoints survive changes to the job.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Encode streaming inserts from Kafka with the published codebooks, exactly once.")
public final class StreamQuantizerJob implements Callable<Integer> {
  @Option(names = "--conf", required = true, description = "Conf profile (key = value lines), e.g. conf/stream-local.conf.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides any option of the conf file.")
  List<String> sets = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamQuantizerJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    StreamOptions options;
    try {
      Map<String, String> settings = new LinkedHashMap<>(ConfFile.read(conf));
      for (String set : sets) {
        var e = ConfFile.parseOverride(set, "--set");
        settings.put(e.getKey(), e.getValue());
      }
      options = StreamOptions.fromMap(settings);
    } catch (IllegalArgumentException e) {
      System.err.println("stream: " + e.getMessage());
      return 2;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(options.flinkConf()));
    build(env, options);
    env.execute("quantpipe stream quantizer");
    return 0;
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
    SingleOutputStreamOperator<InsertRecord> parsed = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "inserts").uid("kafka-inserts")
        .setParallelism(o.parallelism())
        .process(new ParseFunction()).uid("parse").name("parse").setParallelism(o.parallelism());
    BroadcastStream<CodebookRelease> codebooks = env
        .fromSource(new CodebookWatcherSource(o.index(), o.codebookPollMillis()), WatermarkStrategy.noWatermarks(),
            "codebook watcher", TypeInformation.of(CodebookRelease.class))
        .uid("codebook-watcher").setParallelism(1)
        .broadcast(EncodeFunction.CODEBOOKS);
    SingleOutputStreamOperator<EncodedRecord> encoded = parsed.connect(codebooks)
        .process(new EncodeFunction(o.driftThresholds(), o.failureDrillAfter())).uid("encode").name("encode")
        .setParallelism(o.parallelism());
    encoded.sinkTo(sink(o, "encoded", new EncodedRecordSerializer(o.outputTopic())))
        .uid("sink-encoded").name("encoded → " + o.outputTopic()).setParallelism(o.parallelism());
    DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
        .union(encoded.getSideOutput(EncodeFunction.DEAD_LETTERS));
    deadLetters.sinkTo(sink(o, "dead-letters", new DeadLetterSerializer(o.deadLetterTopic())))
        .uid("sink-dead-letters").name("dead letters → " + o.deadLetterTopic()).setParallelism(o.parallelism());
    encoded.getSideOutput(EncodeFunction.DRIFT)
        .sinkTo(sink(o, "drift", new DriftReportSerializer(o.driftTopic())))
        .uid("sink-drift").name("drift → " + o.driftTopic()).setParallelism(1);
  }

  private static <T> KafkaSink<T> sink(StreamOptions o, String name, KafkaRecordSerializationSchema<T> serializer) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(o.bootstrapServers())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + name)
        .setProperty("transaction.timeout.ms", Integer.toString(o.transactionTimeoutMillis()))
        .build();
  }
}
