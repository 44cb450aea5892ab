package io.quantpipe.flink.codebook;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.LocalBlobStore;
import java.net.URI;
import java.nio.file.Path;

/** Opens a published index root given as a path or URI. Stateless. */
public final class IndexRoots {
  private IndexRoots() {}

  /**
   * A store over {@code root}: a local path or a {@code file:} URI.
   *
   * @throws IllegalArgumentException for any other scheme, naming it
   */
  public static BlobStore open(String root) {
    URI uri = URI.create(root.replace(" ", "%20"));
    if (uri.getScheme() == null) {
      return new LocalBlobStore(Path.of(root).toAbsolutePath());
    }
    if ("file".equals(uri.getScheme())) {
      return new LocalBlobStore(Path.of(uri));
    }
    throw new IllegalArgumentException("Index root " + root + ": scheme '" + uri.getScheme()
        + "' is not readable by the stream job yet; use a local path or file: URI");
  }
}
