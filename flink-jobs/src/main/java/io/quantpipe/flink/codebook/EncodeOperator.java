package io.quantpipe.flink.codebook;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.drift.DriftReport;
import io.quantpipe.drift.DriftThresholds;
import io.quantpipe.drift.DriftWindow;
import io.quantpipe.flink.record.DeadLetter;
import io.quantpipe.flink.record.InsertParser;
import io.quantpipe.flink.record.InsertRecord;
import io.quantpipe.flink.record.MalformedRecordException;
import io.quantpipe.flink.record.RawRecord;
import io.quantpipe.stream.EncodedRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw input records ({@link InsertParser}) and encodes the inserts, a block at a time, with
 * the codebooks of the current published version, which arrive on the second input (broadcast from
 * the {@link CodebookWatcherSource}); every output names the version that encoded it. A new release
 * replaces the old one, so records after it use it, and nothing restarts. Records that arrive
 * before the first release wait in checkpointed state and are encoded when it comes.
 *
 * <p><b>Blocks.</b> Parsed inserts collect in a {@link PendingInserts} of up to
 * {@value #BLOCK}, encoded together by {@link Codebooks#encodeBlock} (the batch pipeline's block
 * API: PQ reads each codebook once per block instead of once per vector, 21 against 35 µs per
 * vector at 1536 dims) when the block is full, when {@value #FLUSH_MILLIS} ms have passed since its
 * first insert, before a delete (so an insert and a later delete of the same id keep their order),
 * before a new release, at the end of input, and before each checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}): so no block is ever part of a checkpoint, and exactly-once
 * holds as it does for one record at a time. Outputs keep their input's timestamp.
 *
 * <p>A record that does not parse, or an insert whose vector has the wrong dimension or a value
 * that is not finite, goes to {@link #DEAD_LETTERS} with the reason and its original bytes.
 * Parsing happens here rather than in an operator of its own because this operator has two inputs
 * and so cannot be chained to the source: whatever reaches it is serialized once, and the raw
 * record is the smallest thing to send. Deletes pass through with the current version, partition
 * -1 and an empty code. The codes equal the Spark job's bit for bit.
 *
 * <p>Drift: each subtask adds every encoded vector's relative reconstruction error and coarse
 * partition to a window of {@code minCount} vectors; a full window is judged against the version's
 * training-time {@link DriftBaseline} and, when it passes a threshold, emitted on {@link #DRIFT}. A
 * codebook swap starts a new window. Windows are not checkpointed: a restore starts an empty one.
 *
 * <p>Metrics: {@code encoded}, {@code malformed} (did not parse), {@code deadLettered} (any
 * reason), {@code codebookSwaps}, {@code driftEvents}, and the gauges {@code codebookVersion},
 * {@code driftErrorRatio}, {@code driftOccupancyPsi} (last window).
 */
public final class EncodeOperator extends AbstractStreamOperator<EncodedRecord>
    implements TwoInputStreamOperator<RawRecord, CodebookRelease, EncodedRecord>, BoundedMultiInput {
  private static final long serialVersionUID = 1L;
  /** Windows that drifted from their version's baseline. */
  public static final OutputTag<DriftReport> DRIFT = new OutputTag<>("drift", TypeInformation.of(DriftReport.class));
  /** Records the encoder could not use, with why. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters",
      TypeInformation.of(DeadLetter.class));
  /** Inserts encoded together. */
  static final int BLOCK = 32;
  /** The longest an insert waits for its block to fill; far below the sinks' commit interval. */
  static final long FLUSH_MILLIS = 2;

  private final DriftThresholds drift;
  private final int failureDrillAfter;
  private final boolean outputVectors;

  private transient CodebookRelease release;
  private transient Codebooks codebooks;
  private transient ListState<CodebookRelease> releaseState;
  private transient List<RawRecord> waiting;
  private transient ListState<RawRecord> waitingState;
  private transient PendingInserts pending;
  private transient boolean flushScheduled;
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
  public EncodeOperator(DriftThresholds drift, int failureDrillAfter, boolean outputVectors) {
    this.drift = drift;
    this.failureDrillAfter = failureDrillAfter;
    this.outputVectors = outputVectors;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    // Union state: every subtask sees every copy after a rescale, and takes the newest version.
    releaseState = context.getOperatorStateStore().getUnionListState(
        new ListStateDescriptor<>("codebook-release", TypeInformation.of(CodebookRelease.class)));
    for (CodebookRelease r : releaseState.get()) {
      if (release == null || r.version() > release.version()) {
        release = r;
      }
    }
    waitingState = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("waiting-for-codebooks", TypeInformation.of(RawRecord.class)));
    waiting = new ArrayList<>();
    for (RawRecord r : waitingState.get()) {
      waiting.add(r);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    var metrics = getMetricGroup();
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
    if (release != null) {
      use(release);
    }
  }

  @Override
  public void processElement1(StreamRecord<RawRecord> element) throws Exception {
    if (codebooks == null) {
      waiting.add(element.getValue());
      return;
    }
    accept(element.getValue());
  }

  @Override
  public void processElement2(StreamRecord<CodebookRelease> element) throws Exception {
    flush(); // what came before the release is encoded with the codebooks it came under
    release = element.getValue();
    use(release);
    swaps.inc();
    for (RawRecord r : waiting) {
      accept(r);
    }
    waiting.clear();
    flush();
  }

  /** Parses one record: a dead letter or a delete goes out now, an insert joins the block. */
  private void accept(RawRecord raw) throws Exception {
    InsertRecord r;
    try {
      r = InsertParser.parse(raw);
    } catch (MalformedRecordException e) {
      malformed.inc();
      deadLetter(e.getMessage(), raw);
      return;
    }
    if (r.delete()) {
      flush();
      output.collect(new StreamRecord<>(new EncodedRecord(r.id(), true, codebooks.version(), -1, new byte[0], null,
          raw.timestamp(), raw.partition(), raw.offset()), raw.timestamp()));
      return;
    }
    String unusable = pending.check(r.vector(), codebooks.version());
    if (unusable != null) {
      deadLetter(unusable, raw);
      return;
    }
    pending.add(r.id(), r.vector(), raw);
    if (pending.size() == BLOCK) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now + FLUSH_MILLIS, time -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  private void deadLetter(String reason, RawRecord raw) {
    deadLettered.inc();
    output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(reason, raw), raw.timestamp()));
  }

  /** Encodes and emits the pending block, adding each vector to the drift window. */
  private void flush() {
    int n = pending == null ? 0 : pending.size();
    if (n == 0) {
      return;
    }
    PendingInserts.Encoded block = pending.encode(codebooks);
    for (int i = 0; i < n; i++) {
      float[] vector = pending.vector(i);
      byte[] code = block.code(i);
      window.add(block.partition(i), DriftBaseline.relativeError(codebooks.quantizer(), vector, code));
      encoded.inc();
      if (drill && encoded.getCount() > failureDrillAfter) {
        throw new IllegalStateException("Failure drill: encoder subtask 0 fails once after " + failureDrillAfter
            + " records (option failure-drill-after)");
      }
      long ts = pending.timestamp(i);
      output.collect(new StreamRecord<>(new EncodedRecord(pending.id(i), false, codebooks.version(),
          block.partition(i), code, outputVectors ? vector : null, ts, pending.sourcePartition(i),
          pending.sourceOffset(i)), ts));
      if (window.count() >= drift.minCount()) { // a full window: judge it, start the next
        lastReport = window.report(codebooks.version(), codebooks.baseline(), drift);
        window = new DriftWindow(codebooks.coarse().count());
        if (lastReport.drifted()) {
          driftEvents.inc();
          output.collect(DRIFT, new StreamRecord<>(lastReport, ts));
        }
      }
    }
    pending.clear();
  }

  /** Decodes a release (when it changed) and starts a new drift window and block for it. */
  private void use(CodebookRelease r) throws java.io.IOException {
    if (codebooks == null || codebooks.version() != r.version()) {
      codebooks = Codebooks.of(r);
      window = new DriftWindow(codebooks.coarse().count());
      pending = new PendingInserts(codebooks.dimension(), codebooks.codeBytes(), BLOCK);
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    releaseState.update(release == null ? List.of() : List.of(release));
    waitingState.update(waiting);
  }

  @Override
  public void endInput(int inputId) throws Exception {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }
}
