package io.quantpipe.catalog;

import java.io.Closeable;
import java.io.IOException;

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

  /** Where {@code relativePath} lives, as a URI for messages and logs. */
  String describe(String relativePath);

  @Override
  default void close() throws IOException {}
}
