package io.quantpipe.flink.record;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw Kafka records with {@link InsertParser}; a malformed one goes to the
 * {@link #DEAD_LETTERS} side output with the reason, and the job keeps running. Metric:
 * {@code malformed}.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, InsertRecord> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("parse-dead-letters",
      TypeInformation.of(DeadLetter.class));
  private transient Counter malformed;

  @Override
  public void open(OpenContext context) {
    malformed = getRuntimeContext().getMetricGroup().counter("malformed");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<InsertRecord> out) {
    try {
      out.collect(InsertParser.parse(raw));
    } catch (MalformedRecordException e) {
      malformed.inc();
      ctx.output(DEAD_LETTERS, new DeadLetter(e.getMessage(), raw));
    }
  }
}
