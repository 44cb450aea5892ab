package io.quantpipe.storage;

import io.quantpipe.catalog.CatalogPointer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published versions under an index root:
 *
 * <pre>
 * ROOT/_CURRENT                  {"version": 3, "manifest_crc32c": 123456}   (the pointer)
 * ROOT/versions/v-000003/        one pipeline run: tables, index/ and, written last, manifest.json
 * </pre>
 *
 * A run writes everything into a new version directory, then {@code manifest.json}, then switches
 * the pointer. The pointer is one small file replaced in one step (a rename on file systems, a
 * single PUT on S3, both atomic), so readers see the old version or the new one, never a mixture;
 * a run that fails or is killed leaves its directory without a manifest and the pointer untouched.
 * Version numbers are never reused. Not safe for two concurrent runs on the same root.
 */
public final class VersionCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(VersionCatalog.class);
  public static final String POINTER = CatalogPointer.FILE;
  public static final String VERSIONS = CatalogPointer.VERSIONS;
  public static final String MANIFEST = CatalogPointer.MANIFEST;
  private static final Pattern NAME = Pattern.compile("v-(\\d{6,})");

  private final Path root;
  private final FileSystem fs;

  public VersionCatalog(String rootUri, Configuration conf) throws IOException {
    this.root = new Path(rootUri);
    this.fs = root.getFileSystem(conf);
  }

  public static String dirName(int version) {
    return CatalogPointer.dirName(version);
  }

  /** The URI of a version's directory. */
  public String versionUri(int version) {
    return new Path(new Path(root, VERSIONS), dirName(version)).toString();
  }

  /** Every version directory number, complete or not, ascending. */
  public List<Integer> versions() throws IOException {
    List<Integer> out = new ArrayList<>();
    Path dir = new Path(root, VERSIONS);
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      Matcher m = NAME.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    out.sort(null);
    return out;
  }

  /** Creates the next version's directory (one past every existing one) and returns its number. */
  public int createNext() throws IOException {
    List<Integer> existing = versions();
    int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
    Path dir = new Path(versionUri(next));
    if (!fs.mkdirs(dir)) {
      throw new IOException("Cannot create " + dir);
    }
    return next;
  }

  /** The current version, or {@code null} when nothing has been published yet. */
  public CatalogPointer current() throws IOException {
    Path pointer = new Path(root, POINTER);
    try (var in = fs.open(pointer)) {
      return CatalogPointer.parse(in.readAllBytes(), pointer.toString());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** The current version's manifest, checked against the CRC32C the pointer records. */
  public byte[] currentManifest() throws IOException {
    CatalogPointer c = current();
    if (c == null) {
      throw new FileNotFoundException("Nothing is published under " + root + " (no " + POINTER + ")");
    }
    Path manifest = new Path(versionUri(c.version()), MANIFEST);
    byte[] bytes;
    try (var in = fs.open(manifest)) {
      bytes = in.readAllBytes();
    }
    c.checkManifest(bytes, manifest.toString());
    return bytes;
  }

  /**
   * Publishes {@code version}: writes its manifest, then switches the pointer to it. Call only once
   * everything the manifest names is written.
   */
  public void publish(int version, String manifestJson) throws IOException {
    byte[] manifest = manifestJson.getBytes(StandardCharsets.UTF_8);
    new IndexStore(versionUri(version), fs.getConf()).writeBytes(MANIFEST, manifest);
    writePointer(version, manifest);
  }

  /** Whether {@code version}'s directory holds its manifest (the run that wrote it finished). */
  public boolean isComplete(int version) throws IOException {
    return fs.exists(new Path(versionUri(version), MANIFEST));
  }

  /**
   * Points back to an earlier complete version: {@code to}, or when null the newest complete
   * version below the current one. Its manifest is read again and its CRC32C recorded in the
   * pointer, so readers check it as they check a fresh publish.
   *
   * @return the version now current
   * @throws IllegalArgumentException when nothing is published, or there is no such complete version
   */
  public int rollback(Integer to) throws IOException {
    CatalogPointer current = current();
    if (current == null) {
      throw new IllegalArgumentException("Nothing is published under " + root + " (no " + POINTER + "): nothing to roll back");
    }
    int target;
    if (to != null) {
      if (!versions().contains(to) || !isComplete(to)) {
        throw new IllegalArgumentException("Version " + to + " under " + root + " is not a complete version (present: "
            + versions() + "; retention may have deleted it)");
      }
      target = to;
    } else {
      target = -1;
      for (int v : versions()) {
        if (v < current.version() && isComplete(v)) {
          target = v;
        }
      }
      if (target < 0) {
        throw new IllegalArgumentException("No complete version older than the current " + current.version() + " under "
            + root + " to roll back to (present: " + versions() + ")");
      }
    }
    byte[] manifest;
    try (var in = fs.open(new Path(versionUri(target), MANIFEST))) {
      manifest = in.readAllBytes();
    }
    writePointer(target, manifest);
    LOG.info("Rolled back {} from version {} to {}", root, current.version(), target);
    return target;
  }

  /** Replaces the pointer in one step: a rename on file systems, a single PUT on S3 (both atomic). */
  private void writePointer(int version, byte[] manifest) throws IOException {
    byte[] pointer = new CatalogPointer(version, IndexStore.crc32c(manifest)).toBytes();
    Path target = new Path(root, POINTER);
    if ("s3a".equals(fs.getScheme())) {
      try (var out = fs.create(target, true)) { // a single PUT replaces the object atomically
        out.write(pointer);
      }
      return;
    }
    Path staged = new Path(root, "." + POINTER + "." + version);
    try (var out = fs.create(staged, true)) {
      out.write(pointer);
    }
    if (!fs.rename(staged, target)) { // HDFS will not rename over a file: replace it
      fs.delete(target, false);
      if (!fs.rename(staged, target)) {
        throw new IOException("Cannot move " + staged + " to " + target);
      }
    }
  }

  /**
   * Deletes old versions: keeps the newest {@code keep} complete ones and the current one, and
   * removes incomplete directories older than the current version (failed runs).
   *
   * @return the versions deleted
   */
  public List<Integer> applyRetention(int keep) throws IOException {
    CatalogPointer current = current();
    List<Integer> all = versions();
    List<Integer> complete = new ArrayList<>();
    for (int v : all) {
      if (isComplete(v)) {
        complete.add(v);
      }
    }
    List<Integer> deleted = new ArrayList<>();
    for (int v : all) {
      boolean isCurrent = current != null && v == current.version();
      boolean recent = complete.contains(v) && complete.indexOf(v) >= complete.size() - keep;
      boolean abandoned = !complete.contains(v) && current != null && v < current.version();
      if (!isCurrent && (abandoned || (complete.contains(v) && !recent))) {
        fs.delete(new Path(versionUri(v)), true);
        deleted.add(v);
      }
    }
    if (!deleted.isEmpty()) {
      LOG.info("Retention (retain-versions={}): deleted versions {}", keep, deleted);
    }
    return deleted;
  }
}
