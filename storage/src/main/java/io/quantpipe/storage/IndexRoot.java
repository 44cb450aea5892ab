package io.quantpipe.storage;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.LocalBlobStore;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the published index lives, as the stream job names it: a local path or {@code file:} URI,
 * read directly, or any URI a Hadoop file system serves ({@code s3a://bucket/prefix},
 * {@code hdfs://...}), read through Hadoop with {@code hadoopConf} ({@code fs.s3a.endpoint}, ...).
 * S3 credentials come from Hadoop's usual chain (environment, instance profile, or
 * {@code fs.s3a.*} keys); the conf profile should not hold secrets. Serializable, so operators can
 * carry it to task managers and open it there; immutable.
 *
 * @param uri the index root
 * @param hadoopConf Hadoop settings for non-local roots (keys without a prefix)
 */
public record IndexRoot(String uri, Map<String, String> hadoopConf) implements Serializable {
  public IndexRoot {
    hadoopConf = new TreeMap<>(hadoopConf); // a serializable, ordered copy
  }

  /** The root as a local path, or {@code null} when Hadoop serves it. */
  public Path localPath() {
    URI parsed = URI.create(uri.replace(" ", "%20"));
    if (parsed.getScheme() == null) {
      return Path.of(uri).toAbsolutePath();
    }
    return "file".equals(parsed.getScheme()) ? Path.of(parsed) : null;
  }

  /**
   * A store over the root.
   *
   * @throws IOException when Hadoop has no file system for the scheme, naming it
   */
  public BlobStore open() throws IOException {
    Path local = localPath();
    return local != null ? new LocalBlobStore(local) : new HadoopBlobStore(uri, hadoopConf);
  }
}
