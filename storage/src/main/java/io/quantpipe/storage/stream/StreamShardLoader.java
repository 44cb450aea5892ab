package io.quantpipe.storage.stream;

import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.stream.EncodedRecord;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Applies one codebook version's committed stream files ({@link ShardSchema}) to a
 * {@link PartitionedIndex} opened on that version, into its delta segment, for programs that
 * open an index without a node. Per id the latest record wins ({@link StreamShardReader#supersedes}):
 * a delete removes the id, an insert adds it or replaces the live one. Reads any Hadoop file
 * system; holds one record per streamed id while loading. Stateless.
 */
public final class StreamShardLoader {
  /** What a load applied. */
  public record Loaded(int files, long inserted, long deleted) {}

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
    List<Path> files = StreamShardReader.committedFiles(fs, dir);
    Map<Long, EncodedRecord> latest = new HashMap<>();
    for (Path file : files) {
      long n = 0;
      for (EncodedRecord r : StreamShardReader.read(file, conf)) {
        if (r.codebookVersion() != version) {
          throw new IllegalStateException(String.format("%s row %d (id %d) was encoded by codebook version %d, not %d",
              file, n, r.id(), r.codebookVersion(), version));
        }
        latest.merge(r.id(), r, (a, b) -> StreamShardReader.supersedes(b, a) ? b : a);
        n++;
      }
    }
    long inserted = 0;
    long deleted = 0;
    for (EncodedRecord r : latest.values()) {
      boolean wasLive = index.delete(r.id());
      if (r.delete()) {
        deleted += wasLive ? 1 : 0;
      } else {
        index.insertCode(r.id(), r.code(), r.vector());
        inserted++;
      }
    }
    return new Loaded(files.size(), inserted, deleted);
  }
}
