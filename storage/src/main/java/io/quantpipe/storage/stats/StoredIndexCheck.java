package io.quantpipe.storage.stats;

import io.quantpipe.index.IndexFileCheck;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.storage.IndexStore;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Checks a published index directory where it lies (local disk, HDFS, {@code s3a://}), without
 * copying it: every file {@code index.json} names is read once, front to back, and checked as a
 * serving node checks its copy ({@link IndexFileCheck}: graphs and the quantizer against their
 * CRC32C footers, the fvecs files against the CRC32C {@code index.json} records). A byte changed in
 * storage after publish fails the check, and the failure names the file. Stateless.
 */
public final class StoredIndexCheck {
  private StoredIndexCheck() {}

  /** What was read: every file passed. */
  public record Verified(int files, long bytes) {}

  /**
   * @param index the version's {@code index/} directory
   * @param manifest its {@code index.json}, already checked against the version's manifest
   * @throws io.quantpipe.format.CorruptArtifactException naming the first file that fails
   */
  public static Verified verify(IndexStore index, IndexManifest manifest) throws IOException {
    int files = 0;
    long bytes = 0;
    for (IndexFileCheck check : IndexFileCheck.of(manifest)) {
      Path path = index.path(check.name());
      FileStatus status = index.fileSystem().getFileStatus(path); // FileNotFoundException names it
      try (var in = index.fileSystem().open(path)) {
        check.verify(in, status.getLen(), path.toString());
      }
      files++;
      bytes += status.getLen();
    }
    return new Verified(files, bytes);
  }
}
