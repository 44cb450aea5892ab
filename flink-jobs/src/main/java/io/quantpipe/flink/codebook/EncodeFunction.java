package io.quantpipe.flink.codebook;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.drift.DriftReport;
import io.quantpipe.drift.DriftThresholds;
import io.quantpipe.drift.DriftWindow;
import io.quantpipe.flink.record.DeadLetter;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.flink.record.InsertParser;
import io.quantpipe.flink.record.InsertRecord;
import io.quantpipe.flink.record.MalformedRecordException;
import io.quantpipe.flink.record.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw input records ({@link InsertParser}) and encodes the inserts with the codebooks of the current published version, which arrive on the
 * broadcast input ({@link CodebookWatcherSource}); every output names the version that encoded it.
 * A new release replaces the old one in broadcast state, so records processed after it use it, and
 * nothing restarts. Records that arrive before the first release wait in checkpointed operator
 * state and are encoded when it comes.
 *
 * <p>A record that does not parse, or an insert whose vector has the wrong dimension for the
 * current codebooks, goes to the {@link #DEAD_LETTERS} side output with the reason and its original
 * bytes. Parsing happens here rather than in an operator of its own because this operator has two
 * inputs and so cannot be chained to the source: whatever reaches it is serialized once, and the
 * raw record is the smallest thing to send (the floats would double it). Deletes pass through with the current version,
 * partition -1 and an empty code. Encoding is {@link Codebooks#encode}, the batch pipeline's, so the
 * codes equal the Spark job's bit for bit.
 *
 * <p>Drift: each subtask adds every encoded vector's relative reconstruction error and coarse
 * partition to a window of {@code driftWindow} vectors; a full window is judged against the
 * version's training-time {@link io.quantpipe.drift.DriftBaseline} and, when it passes a threshold,
 * emitted on {@link #DRIFT}. A codebook swap starts a new window. Windows are not checkpointed: a
 * restore starts an empty one.
 *
 * <p>Metrics: {@code encoded}, {@code malformed} (did not parse), {@code deadLettered} (any reason), {@code codebookSwaps}, {@code driftEvents}, and
 * the gauges {@code codebookVersion}, {@code driftErrorRatio}, {@code driftOccupancyPsi} (last window).
 */
public final class EncodeFunction extends BroadcastProcessFunction<RawRecord, CodebookRelease, EncodedRecord>
    implements CheckpointedFunction {
  /** Broadcast state: the current release under {@link #CURRENT}. */
  public static final MapStateDescriptor<String, CodebookRelease> CODEBOOKS =
      new MapStateDescriptor<>("codebooks", Types.STRING, TypeInformation.of(CodebookRelease.class));
  /** Windows that drifted from their version's baseline. */
  public static final OutputTag<DriftReport> DRIFT = new OutputTag<>("drift", TypeInformation.of(DriftReport.class));
  /** Records the encoder could not use, with why. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters",
      TypeInformation.of(DeadLetter.class));
  private static final String CURRENT = "current";
  private final int failureDrillAfter;
  private final boolean outputVectors;
  private final DriftThresholds drift;

  private transient Codebooks codebooks;
  private transient List<RawRecord> waiting;
  private transient ListState<RawRecord> waitingState;
  private transient Counter encoded;
  private transient Counter malformed;
  private transient Counter deadLettered;
  private transient Counter swaps;
  private transient Counter driftEvents;
  private transient boolean drill;
  private transient DriftWindow window;
  private transient DriftReport lastReport;

  /**
   * @param drift the drift thresholds; {@code minCount} is the window size
   * @param failureDrillAfter if positive, the first attempt of subtask 0 throws once after encoding
   *     this many records: a recovery drill (later attempts run normally)
   * @param outputVectors whether encoded inserts carry their float32 vector
   */
  public EncodeFunction(DriftThresholds drift, int failureDrillAfter, boolean outputVectors) {
    this.outputVectors = outputVectors;
    this.drift = drift;
    this.failureDrillAfter = failureDrillAfter;
  }

  @Override
  public void open(OpenContext context) {
    var metrics = getRuntimeContext().getMetricGroup();
    encoded = metrics.counter("encoded");
    malformed = metrics.counter("malformed");
    deadLettered = metrics.counter("deadLettered");
    swaps = metrics.counter("codebookSwaps");
    driftEvents = metrics.counter("driftEvents");
    metrics.gauge("codebookVersion", () -> codebooks == null ? 0 : codebooks.version());
    metrics.gauge("driftErrorRatio", () -> lastReport == null ? Double.NaN : lastReport.errorRatio());
    metrics.gauge("driftOccupancyPsi", () -> lastReport == null ? Double.NaN : lastReport.occupancyPsi());
    var task = getRuntimeContext().getTaskInfo();
    drill = failureDrillAfter > 0 && task.getIndexOfThisSubtask() == 0 && task.getAttemptNumber() == 0;
  }

  @Override
  public void processElement(RawRecord r, ReadOnlyContext ctx, Collector<EncodedRecord> out) throws Exception {
    CodebookRelease current = ctx.getBroadcastState(CODEBOOKS).get(CURRENT);
    if (current == null) {
      waiting.add(r);
      return;
    }
    encode(r, decoded(current), out, d -> ctx.output(DEAD_LETTERS, d), report -> ctx.output(DRIFT, report));
  }

  @Override
  public void processBroadcastElement(CodebookRelease release, Context ctx, Collector<EncodedRecord> out)
      throws Exception {
    ctx.getBroadcastState(CODEBOOKS).put(CURRENT, release);
    Codebooks next = decoded(release);
    swaps.inc();
    for (RawRecord r : waiting) {
      encode(r, next, out, d -> ctx.output(DEAD_LETTERS, d), report -> ctx.output(DRIFT, report));
    }
    waiting.clear();
  }

  /**
   * Emits the encoded record, or its dead letter; adds it to the drift window and emits the
   * window's report when the full window drifted.
   */
  private void encode(RawRecord raw, Codebooks books, Collector<EncodedRecord> out, Consumer<DeadLetter> deadLetters,
      Consumer<DriftReport> drifted) {
    InsertRecord r;
    try {
      r = InsertParser.parse(raw);
    } catch (MalformedRecordException e) {
      malformed.inc();
      deadLettered.inc();
      deadLetters.accept(new DeadLetter(e.getMessage(), raw));
      return;
    }
    long ts = raw.timestamp();
    if (r.delete()) {
      out.collect(new EncodedRecord(r.id(), true, books.version(), -1, new byte[0], null, ts, raw.partition(),
          raw.offset()));
      return;
    }
    if (r.vector().length != books.dimension()) {
      deadLettered.inc();
      deadLetters.accept(new DeadLetter(String.format("vector has dimension %d; the codebooks of version %d take %d",
          r.vector().length, books.version(), books.dimension()), raw));
      return;
    }
    byte[] code = new byte[books.codeBytes()];
    int partition = books.encode(r.vector(), code);
    window.add(partition, DriftBaseline.relativeError(books.quantizer(), r.vector(), code));
    encoded.inc();
    if (drill && encoded.getCount() > failureDrillAfter) {
      throw new IllegalStateException("Failure drill: encoder subtask 0 fails once after " + failureDrillAfter
          + " records (option failure-drill-after)");
    }
    out.collect(new EncodedRecord(r.id(), false, books.version(), partition, code,
        outputVectors ? r.vector() : null, ts, raw.partition(), raw.offset()));
    if (window.count() >= drift.minCount()) { // a full window: judge it, start the next
      lastReport = window.report(books.version(), books.baseline(), drift);
      window = new DriftWindow(books.coarse().count());
      if (lastReport.drifted()) {
        driftEvents.inc();
        drifted.accept(lastReport);
      }
    }
  }

  /** The decoded form of {@code release}, decoding only when the release changed. */
  private Codebooks decoded(CodebookRelease release) throws java.io.IOException {
    if (codebooks == null || codebooks.version() != release.version()) {
      codebooks = Codebooks.of(release);
      window = new DriftWindow(codebooks.coarse().count()); // a new version: a new baseline, a new window
    }
    return codebooks;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    waitingState.update(waiting);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    waitingState = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("waiting-for-codebooks", TypeInformation.of(RawRecord.class)));
    waiting = new ArrayList<>();
    for (RawRecord r : waitingState.get()) {
      waiting.add(r);
    }
  }
}
