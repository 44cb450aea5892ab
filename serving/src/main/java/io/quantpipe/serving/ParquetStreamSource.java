package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.storage.IndexRoot;
import io.quantpipe.storage.stream.ShardSchema;
import io.quantpipe.storage.stream.StreamShardReader;
import io.quantpipe.stream.EncodedRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream job's Parquet output directory ({@code parquet-output}, {@link ShardSchema}) as a
 * node's {@link StreamSource}, for deployments that keep the stream on object storage rather than
 * in Kafka. Every {@code poll-ms} the reader lists {@code DIR/v-NNNNNN/} for committed files
 * ({@code part-*.parquet}: Flink's file sink gives in-progress files hidden names and commits a
 * file whole with its checkpoint, so a listed file is complete and never changes) and reads the
 * ones it has not read. The files come from parallel encoders, so the order they are read in is
 * not the stream's: per id the later record by input timestamp and offset wins
 * ({@link StreamShardReader#supersedes}). Caught up: every file listed by the first scan read.
 * A file Parquet cannot decode is counted as malformed and skipped (a committed file does not
 * heal); a listing or read that fails is retried. A change is visible after the stream job's
 * checkpoint interval plus one poll; the directory grows by a file per encoder and checkpoint,
 * which the next batch build folds in. Holds the names of the files read. Thread-safety as
 * {@link StreamSource} says.
 */
final class ParquetStreamSource implements StreamSource {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetStreamSource.class);
  /** Files read per poll at most: a restart over a long stream applies it in steps, reporting progress. */
  private static final int FILES_PER_POLL = 64;

  private final ServeOptions options;
  private final Path dir;
  private final Configuration conf;
  private final Set<Path> read = new HashSet<>();
  private FileSystem fs;
  private boolean scanned;
  private volatile boolean caughtUp;
  private volatile int filesRead;
  private volatile long lag = -1;
  private volatile String problem;
  private volatile boolean closed;

  ParquetStreamSource(ServeOptions options) {
    this.options = options;
    IndexRoot location = new IndexRoot(options.streamParquet(), options.hadoopSettings());
    this.dir = location.localPath() != null ? new Path(location.localPath().toUri()) : new Path(options.streamParquet());
    this.conf = options.hadoopConfiguration();
    this.problem = "not listed yet";
  }

  @Override
  public Batch poll() throws IOException {
    if (closed) {
      return Batch.EMPTY;
    }
    long start = System.currentTimeMillis();
    List<Path> pending;
    try {
      if (fs == null) {
        fs = dir.getFileSystem(conf);
      }
      pending = unread();
    } catch (IOException | RuntimeException e) {
      problem = "cannot list " + dir + ": " + e.getMessage();
      throw e;
    }
    List<EncodedRecord> records = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    int n = Math.min(FILES_PER_POLL, pending.size());
    for (int i = 0; i < n && !closed; i++) {
      Path file = pending.get(i);
      try {
        records.addAll(StreamShardReader.read(file, conf));
      } catch (CorruptArtifactException e) {
        malformed.add(e.getMessage());
      } catch (IOException e) {
        problem = "cannot read " + file + ": " + e.getMessage();
        throw e; // read later; the files before it in this poll were not returned, so they are read again
      }
    }
    for (int i = 0; i < n; i++) {
      read.add(pending.get(i));
    }
    filesRead = read.size();
    problem = null;
    lag = pending.size() - n;
    if (lag == 0 && !caughtUp) {
      caughtUp = true;
    }
    if (n == 0) {
      sleepUntil(start + options.pollMillis());
    }
    return records.isEmpty() && malformed.isEmpty() ? Batch.EMPTY : new Batch(records, malformed);
  }

  /** The committed files not read yet, by version directory and then name. */
  private List<Path> unread() throws IOException {
    List<Path> versions = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.isDirectory() && f.getPath().getName().matches("v-\\d{6,}")) {
          versions.add(f.getPath());
        }
      }
    } catch (FileNotFoundException nothingYet) {
      if (!scanned) {
        LOG.info("Stream directory {} does not exist yet: nothing streamed so far", dir);
      }
    }
    scanned = true;
    versions.sort(null);
    List<Path> pending = new ArrayList<>();
    for (Path v : versions) {
      for (Path file : StreamShardReader.committedFiles(fs, v)) {
        if (!read.contains(file)) {
          pending.add(file);
        }
      }
    }
    return pending;
  }

  private void sleepUntil(long millis) {
    try {
      for (long left; !closed && (left = millis - System.currentTimeMillis()) > 0; ) {
        Thread.sleep(Math.min(left, 50)); // short steps: wakeup() ends the wait
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean readsInOrder() {
    return false;
  }

  @Override
  public boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public long lag() {
    return lag;
  }

  @Override
  public String lagUnit() {
    return "files";
  }

  @Override
  public String problem() {
    return problem;
  }

  @Override
  public String name() {
    return "stream directory " + dir;
  }

  @Override
  public void describe(ObjectNode out) {
    out.put("directory", dir.toString()).put("files_read", filesRead);
  }

  @Override
  public void wakeup() {
    closed = true;
  }

  @Override
  public void close() {
    // the file system is Hadoop's cached instance, shared: not closed here
  }
}
