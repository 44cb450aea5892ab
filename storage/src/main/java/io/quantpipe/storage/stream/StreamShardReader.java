package io.quantpipe.storage.stream;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.stream.EncodedRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Reads one of the stream job's committed Parquet files ({@link ShardSchema}) back into the
 * {@link EncodedRecord}s it was written from, in file order. A file of another layout, or one that
 * Parquet cannot decode (a truncated footer, a torn upload), is refused with a
 * {@link CorruptArtifactException} naming it. Reads any Hadoop file system; holds one file's
 * records. Stateless.
 */
public final class StreamShardReader {
  private StreamShardReader() {}

  /**
   * Every row of {@code file}.
   *
   * @throws CorruptArtifactException naming the file when it is not a stream shard this code reads
   * @throws IOException when the file cannot be read
   */
  public static List<EncodedRecord> read(Path file, Configuration conf) throws IOException {
    List<EncodedRecord> records = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new LayoutCheckingReadSupport(file), file)
        .withConf(conf).build()) {
      for (Group g; (g = reader.read()) != null; ) {
        records.add(record(g));
      }
    } catch (RuntimeException e) { // parquet-hadoop reports a bad footer or page as unchecked exceptions
      if (e.getCause() instanceof CorruptArtifactException c) {
        throw c;
      }
      throw new CorruptArtifactException(file.toString(), "not a readable stream shard: " + e.getMessage(), e);
    }
    return records;
  }

  /**
   * The committed files of one version directory ({@code part-*.parquet}; in-progress files have
   * hidden names), sorted by name; empty when the directory does not exist yet.
   */
  public static List<Path> committedFiles(FileSystem fs, Path versionDir) throws IOException {
    List<Path> files = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(versionDir)) {
        String name = f.getPath().getName();
        if (f.isFile() && name.startsWith("part-") && name.endsWith(".parquet")) {
          files.add(f.getPath());
        }
      }
    } catch (FileNotFoundException nothingYet) {
      return List.of();
    }
    files.sort(null);
    return files;
  }

  /**
   * Whether {@code candidate} is a later record of its id than {@code current}: by the input's
   * Kafka timestamp, then its offset. Exact when producers key records by id (an id's records then
   * share an input partition, whose offsets order them); the stream's files come from parallel
   * encoders, so the order files are read in says nothing.
   */
  public static boolean supersedes(EncodedRecord candidate, EncodedRecord current) {
    return candidate.ingestTimestamp() != current.ingestTimestamp()
        ? candidate.ingestTimestamp() > current.ingestTimestamp()
        : candidate.sourceOffset() > current.sourceOffset();
  }

  private static EncodedRecord record(Group g) {
    float[] vector = null;
    if (g.getType().containsField(ShardSchema.VECTOR) && g.getFieldRepetitionCount(ShardSchema.VECTOR) > 0) {
      ByteBuffer bytes = g.getBinary(ShardSchema.VECTOR, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      vector = new float[bytes.remaining() / Float.BYTES];
      bytes.asFloatBuffer().get(vector);
    }
    return new EncodedRecord(g.getLong(ShardSchema.ID, 0), g.getBoolean(ShardSchema.DELETE, 0),
        g.getInteger(ShardSchema.CODEBOOK_VERSION, 0), g.getInteger(ShardSchema.PARTITION, 0),
        g.getBinary(ShardSchema.CODE, 0).getBytes(), vector, g.getLong(ShardSchema.INGEST_TS, 0), -1,
        g.getLong(ShardSchema.SOURCE_OFFSET, 0));
  }

  /** {@link GroupReadSupport} that first checks the file's layout key. */
  private static final class LayoutCheckingReadSupport extends GroupReadSupport {
    private final Path file;

    LayoutCheckingReadSupport(Path file) {
      this.file = file;
    }

    @Override
    public ReadContext init(InitContext context) {
      Map<String, Set<String>> meta = context.getKeyValueMetadata();
      Set<String> layout = meta.get(ShardSchema.LAYOUT_KEY);
      if (layout == null || layout.size() != 1
          || !(layout.contains(ShardSchema.LAYOUT) || layout.contains(ShardSchema.LAYOUT_V1))) {
        throw new IllegalStateException(new CorruptArtifactException(file.toString(), "layout " + layout + " under "
            + ShardSchema.LAYOUT_KEY + ", not " + ShardSchema.LAYOUT + " or " + ShardSchema.LAYOUT_V1));
      }
      return super.init(context);
    }
  }
}
