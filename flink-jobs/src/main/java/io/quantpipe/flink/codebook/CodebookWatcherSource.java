package io.quantpipe.flink.codebook;

import io.quantpipe.storage.IndexRoot;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.format.CorruptArtifactException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An unbounded source that watches a published index root's pointer ({@code _CURRENT}) and emits a
 * verified {@link CodebookRelease} each time it names a new version: the encoders' broadcast input.
 *
 * <p>Every {@code pollMillis} its one reader reads the pointer; when it names another version (or
 * the same version with another manifest checksum) the reader fetches, checks and decodes the release. A
 * release that fails a check is refused: logged once, counted in the {@code codebookReleasesRefused}
 * metric, and the previous version stays in use; a later pointer is tried afresh. An unreachable
 * store is logged and retried at the next poll. The pointer last emitted is the reader's
 * checkpointed state, so a restored job does not emit it again (the encoders' broadcast state holds
 * the release itself). Run it with parallelism 1.
 */
public final class CodebookWatcherSource implements Source<CodebookRelease, CodebookWatcherSource.Watch, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(CodebookWatcherSource.class);
  private final IndexRoot root;
  private final long pollMillis;

  /** Watches the index root {@code root} every {@code pollMillis}. */
  public CodebookWatcherSource(IndexRoot root, long pollMillis) {
    this.root = root;
    this.pollMillis = pollMillis;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SourceReader<CodebookRelease, Watch> createReader(SourceReaderContext context) {
    return new Reader(root, pollMillis, context.metricGroup().counter("codebookReleasesRefused"),
        context.metricGroup().counter("codebookReleasesEmitted"));
  }

  @Override
  public SplitEnumerator<Watch, Void> createEnumerator(SplitEnumeratorContext<Watch> context) {
    return new NoSplits();
  }

  @Override
  public SplitEnumerator<Watch, Void> restoreEnumerator(SplitEnumeratorContext<Watch> context, Void checkpoint) {
    return new NoSplits();
  }

  @Override
  public SimpleVersionedSerializer<Watch> getSplitSerializer() {
    return new WatchSerializer();
  }

  @Override
  public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(Void v) {
        return new byte[0];
      }

      @Override
      public Void deserialize(int version, byte[] bytes) {
        return null;
      }
    };
  }

  /** The reader's state as a split: the pointer it last emitted (version 0: none yet). */
  public record Watch(String root, int version, long manifestCrc) implements SourceSplit {
    @Override
    public String splitId() {
      return root;
    }
  }

  private static final class Reader implements SourceReader<CodebookRelease, Watch> {
    private final IndexRoot root;
    private final long pollMillis;
    private final Counter refused;
    private final Counter emitted;
    private BlobStore store;
    private Watch emittedPointer;
    private CatalogPointer refusedPointer;
    private volatile boolean due = true;

    Reader(IndexRoot root, long pollMillis, Counter refused, Counter emitted) {
      this.root = root;
      this.pollMillis = pollMillis;
      this.refused = refused;
      this.emitted = emitted;
      this.emittedPointer = new Watch(root.uri(), 0, -1);
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<Watch> splits) { // restored state; Flink calls this before start()
      splits.forEach(w -> emittedPointer = w);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<CodebookRelease> output) {
      if (!due) {
        return InputStatus.NOTHING_AVAILABLE;
      }
      due = false;
      CatalogPointer pointer = null;
      try {
        if (store == null) { // opened here, not in start(), so an unreachable store is retried like a failed read
          store = root.open();
        }
        byte[] bytes = store.read(CatalogPointer.FILE);
        if (bytes == null) {
          return InputStatus.NOTHING_AVAILABLE; // nothing published yet
        }
        pointer = CatalogPointer.parse(bytes, store.describe(CatalogPointer.FILE));
        if (isEmitted(pointer) || pointer.equals(refusedPointer)) {
          return InputStatus.NOTHING_AVAILABLE;
        }
        CodebookRelease release = CodebookRelease.fetch(store, pointer);
        Codebooks.of(release); // decodes: encoders must never receive a release they cannot use
        emittedPointer = new Watch(root.uri(), pointer.version(), pointer.manifestCrc());
        emitted.inc();
        LOG.info("Codebooks: version {} published under {}", pointer.version(), root.uri());
        output.collect(release);
      } catch (CorruptArtifactException e) {
        if (pointer == null || !pointer.equals(refusedPointer)) {
          refused.inc();
          LOG.warn("Codebooks: refused {} (keeping version {}): {}", pointer == null ? "the pointer" : "version "
              + pointer.version(), emittedPointer.version(), e.getMessage());
        }
        refusedPointer = pointer;
      } catch (IOException e) {
        LOG.warn("Codebooks: cannot read {} (keeping version {}), retrying: {}", root.uri(), emittedPointer.version(),
            e.toString());
      }
      return InputStatus.NOTHING_AVAILABLE;
    }

    private boolean isEmitted(CatalogPointer p) {
      return p.version() == emittedPointer.version() && p.manifestCrc() == emittedPointer.manifestCrc();
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return CompletableFuture.runAsync(() -> due = true,
          CompletableFuture.delayedExecutor(pollMillis, TimeUnit.MILLISECONDS));
    }

    @Override
    public List<Watch> snapshotState(long checkpointId) {
      return List.of(emittedPointer);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() throws IOException {
      if (store != null) {
        store.close();
      }
    }
  }

  private static final class NoSplits implements SplitEnumerator<Watch, Void> {
    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<Watch> splits, int subtaskId) {}

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public Void snapshotState(long checkpointId) {
      return null;
    }

    @Override
    public void close() {}
  }

  private static final class WatchSerializer implements SimpleVersionedSerializer<Watch> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Watch w) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(w.root());
        out.writeInt(w.version());
        out.writeLong(w.manifestCrc());
      }
      return bytes.toByteArray();
    }

    @Override
    public Watch deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("Unknown codebook watch state version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return new Watch(in.readUTF(), in.readInt(), in.readLong());
      }
    }
  }
}
