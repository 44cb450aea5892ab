package io.quantpipe.flink.parquet;

import io.quantpipe.index.PartitionedIndex;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * segment. Inserts of an id that is already live replace it (the stream's update); deletes remove
 * it. Files are applied per encoder subtask in the order the sink wrote them, rows in file order, so
 * an id's records (which stay on one subtask when producers key by id) apply in order. Files still
 * in progress (hidden names) are skipped. Reads any Hadoop file system. Stateless.
 */
public final class StreamShardLoader {
  private static final Pattern PART = Pattern.compile("part-.*-(\\d+)-(\\d+)\\.parquet");

  /** What a load applied. */
  public record Loaded(int files, long inserted, long deleted) {}

  private StreamShardLoader() {}

  /**
   * Applies {@code outputUri/v-NNNNNN/*.parquet} of {@code version} to {@code index}.
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
        if (f.isFile() && PART.matcher(f.getPath().getName()).matches()) {
          files.add(f.getPath());
        }
      }
    } catch (FileNotFoundException nothingYet) {
      return new Loaded(0, 0, 0);
    }
    files.sort(Comparator.comparingLong((Path p) -> number(p, 1)).thenComparingLong(p -> number(p, 2)));
    long inserted = 0;
    long deleted = 0;
    for (Path file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
        long row = 0;
        for (Group g; (g = reader.read()) != null; row++) {
          long id = g.getLong(ShardSchema.ID, 0);
          int rowVersion = g.getInteger(ShardSchema.CODEBOOK_VERSION, 0);
          if (rowVersion != version) {
            throw new IllegalStateException(String.format("%s row %d (id %d) was encoded by codebook version %d, not %d",
                file, row, id, rowVersion, version));
          }
          if (g.getBoolean(ShardSchema.DELETE, 0)) {
            deleted += index.delete(id) ? 1 : 0;
          } else {
            index.delete(id); // an insert of a live id replaces it
            index.insertCode(id, g.getBinary(ShardSchema.CODE, 0).getBytes(), null);
            inserted++;
          }
        }
      }
    }
    return new Loaded(files.size(), inserted, deleted);
  }

  /** The sink's subtask ({@code group} 1) or per-subtask file counter (2) in a part file's name. */
  private static long number(Path file, int group) {
    Matcher m = PART.matcher(file.getName());
    if (!m.matches()) {
      throw new IllegalStateException("Not a part file: " + file);
    }
    return Long.parseLong(m.group(group));
  }
}
