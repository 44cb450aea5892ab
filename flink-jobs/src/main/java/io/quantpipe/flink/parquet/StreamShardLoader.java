package io.quantpipe.flink.parquet;

import io.quantpipe.index.PartitionedIndex;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * The serving side of the stream job's Parquet output: applies one codebook version's committed
 * files ({@link ShardSchema}) to a {@link PartitionedIndex} opened on that version, into its delta
 * segment. Per id the latest record wins, by Kafka timestamp and then input offset (exact when
 * producers key records by id, so an id's records share an input partition): a delete removes the
 * id, an insert adds it or replaces the live one. Files still in progress (hidden names) are
 * skipped. Reads any Hadoop file system; holds one row per streamed id while loading. Stateless.
 */
public final class StreamShardLoader {
  /** What a load applied. */
  public record Loaded(int files, long inserted, long deleted) {}

  private record Row(long id, boolean delete, byte[] code, long timestamp, long offset) {
    boolean after(Row other) {
      return timestamp != other.timestamp ? timestamp > other.timestamp : offset > other.offset;
    }
  }

  private StreamShardLoader() {}

  /**
   * Applies {@code outputUri/v-NNNNNN/part-*.parquet} of {@code version} to {@code index}. A
   * version without a directory yet (nothing streamed with it) loads nothing: {@code files() == 0}.
   *
   * @param index an index opened on the published {@code version} (its quantizer made the codes)
   * @param hadoopConf Hadoop settings for a non-local output ({@code fs.s3a.endpoint}, ...)
   * @throws IllegalStateException naming the file and row when a row names another codebook version
   * @throws IllegalArgumentException from the index when a code does not fit its quantizer
   */
  public static Loaded load(PartitionedIndex index, int version, String outputUri, Map<String, String> hadoopConf)
      throws IOException {
    Configuration conf = new Configuration();
    hadoopConf.forEach(conf::set);
    Path dir = new Path(outputUri, ShardSchema.versionDir(version));
    FileSystem fs = dir.getFileSystem(conf);
    List<Path> files = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (f.isFile() && name.startsWith("part-") && name.endsWith(".parquet")) {
          files.add(f.getPath());
        }
      }
    } catch (FileNotFoundException nothingYet) {
      return new Loaded(0, 0, 0);
    }
    Map<Long, Row> latest = new HashMap<>();
    for (Path file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
        long n = 0;
        for (Group g; (g = reader.read()) != null; n++) {
          long id = g.getLong(ShardSchema.ID, 0);
          int rowVersion = g.getInteger(ShardSchema.CODEBOOK_VERSION, 0);
          if (rowVersion != version) {
            throw new IllegalStateException(String.format("%s row %d (id %d) was encoded by codebook version %d, not %d",
                file, n, id, rowVersion, version));
          }
          Row row = new Row(id, g.getBoolean(ShardSchema.DELETE, 0), g.getBinary(ShardSchema.CODE, 0).getBytes(),
              g.getLong(ShardSchema.INGEST_TS, 0), g.getLong(ShardSchema.SOURCE_OFFSET, 0));
          latest.merge(id, row, (a, b) -> b.after(a) ? b : a);
        }
      }
    }
    long inserted = 0;
    long deleted = 0;
    for (Row r : latest.values()) {
      boolean wasLive = index.delete(r.id());
      if (r.delete()) {
        deleted += wasLive ? 1 : 0;
      } else {
        index.insertCode(r.id(), r.code(), null);
        inserted++;
      }
    }
    return new Loaded(files.size(), inserted, deleted);
  }
}
