package io.quantpipe.catalog;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Read access to a published index root, by path relative to it ({@code _CURRENT},
 * {@code versions/v-000003/manifest.json}): the one thing the catalog readers need from a storage
 * system, so the same reading code serves the local file system, Hadoop's ({@code s3a://}) and tests.
 * Implementations say whether they are thread-safe; {@link #close()} releases what a store holds
 * (a remote store's connections), and does nothing for a local one.
 */
public interface BlobStore extends Closeable {
  /**
   * The whole object.
   *
   * @return its bytes, or {@code null} when there is no such object
   * @throws java.io.IOException when the storage cannot be read (unreachable, denied)
   */
  byte[] read(String relativePath) throws IOException;

  /**
   * The object as a stream, for objects too large to hold in memory (a 1.5 GB vector file); the
   * caller closes it.
   *
   * @throws java.io.FileNotFoundException when there is no such object
   * @throws java.io.IOException when the storage cannot be read (unreachable, denied)
   */
  InputStream open(String relativePath) throws IOException;

  /**
   * The object as a file of this machine's file system, for a store that keeps its objects as
   * files: a reader may then link or map it instead of copying it. Empty for a remote store.
   */
  default Optional<Path> localFile(String relativePath) {
    return Optional.empty();
  }

  /** Where {@code relativePath} lives, as a URI for messages and logs. */
  String describe(String relativePath);

  @Override
  default void close() throws IOException {}
}
