package io.quantpipe.storage;

import io.quantpipe.catalog.CodebookRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One directory on a Hadoop file system ({@code file://}, {@code s3a://}, {@code hdfs://}) that
 * jobs write artifacts into and read them from, by file name. Usable on the driver and on
 * executors (construct it from a {@code SerializableConfiguration}). Not thread-safe.
 */
public final class IndexStore {
  private final Path dir;
  private final FileSystem fs;

  public IndexStore(String dirUri, Configuration conf) throws IOException {
    this.dir = new Path(dirUri);
    this.fs = dir.getFileSystem(conf);
  }

  /**
   * {@code uri} as an absolute, scheme-qualified URI ({@code data/x} becomes {@code file:/work/data/x}).
   * Executors run in their own working directories, so a relative path must be resolved once, on the
   * driver, before it is shipped to them.
   */
  public static String qualified(String uri, Configuration conf) throws IOException {
    Path path = new Path(uri);
    return path.getFileSystem(conf).makeQualified(path).toString();
  }

  public Path root() {
    return dir;
  }

  public Path path(String name) {
    return new Path(dir, name);
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** Copies a local file into the directory, replacing a previous attempt's copy. */
  public void upload(java.nio.file.Path local, String name) throws IOException {
    fs.copyFromLocalFile(false, true, new Path(local.toUri()), path(name));
  }

  /** Copies {@code name} to a local file. */
  public void download(String name, java.nio.file.Path local) throws IOException {
    try (InputStream in = fs.open(path(name))) {
      Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public void writeBytes(String name, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(path(name), true)) {
      out.write(bytes);
    }
  }

  public void writeString(String name, String text) throws IOException {
    writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] readBytes(String name) throws IOException {
    try (InputStream in = fs.open(path(name))) {
      return in.readAllBytes();
    }
  }

  public boolean exists(String name) throws IOException {
    return fs.exists(path(name));
  }

  /** The CRC32C of a local file, as the index manifests record it. */
  public static long crc32c(java.nio.file.Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  /** The CRC32C of bytes ({@link CodebookRelease#crc32c}: one definition for writers and readers). */
  public static long crc32c(byte[] bytes) {
    return CodebookRelease.crc32c(bytes);
  }

  /** Writes a stream to {@code name} (replacing it). */
  public OutputStream create(String name) throws IOException {
    return fs.create(path(name), true);
  }
}
