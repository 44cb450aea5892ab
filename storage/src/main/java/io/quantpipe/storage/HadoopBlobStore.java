package io.quantpipe.storage;

import io.quantpipe.catalog.BlobStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A published index root on a Hadoop file system ({@code s3a://}, {@code hdfs://}, ...), read
 * object by object: what the codebook watcher needs to follow the pointer and fetch a release. It
 * owns a file system instance of its own (not Hadoop's cache, which would hand a later store with
 * other settings, say other credentials, the first one's instance); {@link #close()} releases it.
 * Thread-safe as Hadoop's file systems are.
 */
final class HadoopBlobStore implements BlobStore {
  private final Path root;
  private final FileSystem fs;

  /**
   * @throws IOException when no file system serves the scheme, or the settings are refused
   */
  HadoopBlobStore(String rootUri, Map<String, String> settings) throws IOException {
    Configuration conf = new Configuration();
    settings.forEach(conf::set);
    this.root = new Path(rootUri);
    this.fs = FileSystem.newInstance(root.toUri(), conf);
  }

  @Override
  public byte[] read(String relativePath) throws IOException {
    try (InputStream in = fs.open(new Path(root, relativePath))) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    return fs.open(new Path(root, relativePath));
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }

  @Override
  public String describe(String relativePath) {
    return new Path(root, relativePath).toString();
  }
}
