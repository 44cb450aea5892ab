package io.quantpipe.serving;

import io.quantpipe.catalog.BlobStore;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.index.IndexFileCheck;
import io.quantpipe.index.IndexManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The node's local copies of published versions, one directory per version
 * ({@code CACHE/v-000003/}), which the index is memory-mapped from. A version's files are fetched
 * one by one from its {@code index/} directory under the root into a temporary name,
 * checked ({@link IndexFileCheck}) and only then renamed into place, so a file under its own name
 * in the cache has passed its check; a file already there and intact is not fetched again, which
 * is what makes a restart with a warm cache download nothing.
 *
 * <p>A root on the cache's own file system (a local root) is not copied: each file is hard-linked
 * into the cache, then checked like a copy. Copying 1.7 GB takes seconds of the core that answers
 * queries and writes the disk; a link costs nothing, and since a version's files
 * are never rewritten (a new version is a new directory) and deleting the root's name leaves the
 * cache's, the link is as good as a copy except against the disk's own decay, which then strikes
 * both names at once. {@code cache-link=false} copies anyway.
 *
 * <p>Each version directory keeps a record of the files that passed their check
 * ({@code .verified}: name, size, modification time). A cached file whose size and time still
 * match its record is trusted at once instead of being read again: re-reading 1.7 GB of a
 * 1M-vector version would cost a warm start about a second. Anything that rewrote the file
 * changes its time; what does not (the disk's own decay) is caught by {@link #scrub}, which the
 * node runs after it starts serving a version with trusted files: it reads them all again, and a
 * file that fails is deleted with its record so the next fetch brings a good copy.
 * Thread-safe for distinct versions; one caller per version at a time (the follower thread).
 */
final class VersionCache {
  private static final String RECORD = ".verified";

  private final Path root;
  private final boolean link;

  /**
   * What fetching one version cost.
   *
   * @param filesLinked files of a local root hard-linked into the cache (then checked), not copied
   * @param trusted the cached files taken on their record, which {@link #scrub} must read again
   */
  record Fetched(Path dir, IndexManifest manifest, int filesDownloaded, int filesLinked, int filesReused,
      long bytesDownloaded, List<IndexFileCheck> trusted) {}

  /** @param link whether a local root's files are hard-linked into the cache, where the file system allows */
  VersionCache(Path root, boolean link) throws IOException {
    this.root = Files.createDirectories(root).toAbsolutePath();
    this.link = link;
  }

  Path dir(int version) {
    return root.resolve(CatalogPointer.dirName(version));
  }

  /**
   * Brings {@code version}'s index directory into the cache and checks every file.
   *
   * @param store the index root
   * @param remoteIndex the version's {@code index/} directory, relative to {@code store}
   * @param indexJson {@code index.json}'s bytes, already checked against the version manifest
   * @param share the share of a core the copying and checking may take
   * @throws CorruptArtifactException naming the remote file that failed its check (the version
   *     must be refused); nothing that failed stays in the cache
   * @throws IOException when storage cannot be read (worth retrying)
   */
  Fetched fetch(BlobStore store, String remoteIndex, int version, byte[] indexJson, BackgroundShare share)
      throws IOException {
    Path dir = Files.createDirectories(dir(version));
    IndexManifest manifest = IndexManifest.parse(indexJson, store.describe(remoteIndex + "/" + IndexManifest.FILE));
    int downloaded = 0;
    int linked = 0;
    int reused = 0;
    long bytes = 0;
    Properties record = readRecord(dir);
    Properties verified = new Properties();
    List<IndexFileCheck> trusted = new ArrayList<>();
    for (IndexFileCheck check : IndexFileCheck.of(manifest)) {
      Path local = dir.resolve(check.name());
      String stamp = stamp(local);
      if (stamp != null && stamp.equals(record.getProperty(check.name()))) {
        trusted.add(check);
        verified.setProperty(check.name(), stamp);
        reused++;
        continue;
      }
      if (check.isIntact(local, share::pause)) {
        verified.setProperty(check.name(), stamp(local));
        reused++;
        continue;
      }
      Path partial = dir.resolve("." + check.name() + ".part");
      String remotePath = remoteIndex + "/" + check.name();
      String remote = store.describe(remotePath);
      Files.deleteIfExists(partial);
      boolean isLink = link && store.localFile(remotePath).map(file -> linked(file, partial)).orElse(false);
      if (!isLink) {
        try (InputStream in = store.open(remotePath)) {
          bytes += copy(in, partial, share);
        }
      }
      try {
        check.verify(partial, share::pause);
      } catch (CorruptArtifactException e) {
        Files.deleteIfExists(partial);
        String reason = e.getMessage().substring(Math.min(e.getMessage().length(), partial.toString().length() + 2));
        throw new CorruptArtifactException(remote, reason + " (checked on arrival)", e);
      }
      Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      verified.setProperty(check.name(), stamp(local));
      if (isLink) {
        linked++;
      } else {
        downloaded++;
      }
    }
    writeRecord(dir, verified);
    // index.json last: a directory with it has every file it names.
    Path staged = dir.resolve("." + IndexManifest.FILE + ".part");
    Files.write(staged, indexJson);
    Files.move(staged, dir.resolve(IndexManifest.FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Fetched(dir, manifest, downloaded, linked, reused, bytes, List.copyOf(trusted));
  }

  /**
   * Reads every file {@code fetched} trusted on its record again. A file that fails its check is
   * deleted, with its record entry, so the next {@link #fetch} of the version brings it again.
   *
   * @return the names of the files that failed (empty when all are intact)
   * @throws IOException when a file cannot be read (not a failed check: nothing is deleted)
   */
  List<String> scrub(Fetched fetched, BackgroundShare share) throws IOException {
    List<String> failed = new ArrayList<>();
    for (IndexFileCheck check : fetched.trusted()) {
      try {
        check.verify(fetched.dir().resolve(check.name()), share::pause);
      } catch (CorruptArtifactException e) {
        failed.add(check.name());
      } // any other IOException (an interrupted read at shutdown, a full disk) stops the scrub: it proves nothing
    }
    if (!failed.isEmpty()) {
      Properties record = readRecord(fetched.dir());
      for (String name : failed) {
        record.remove(name);
        Files.deleteIfExists(fetched.dir().resolve(name));
      }
      writeRecord(fetched.dir(), record);
    }
    return failed;
  }

  /**
   * Hard-links {@code target} to {@code source}; false where links cannot be made (another file
   * system, a file system without them) or the source is missing, and the caller copies instead,
   * which reports the missing file properly.
   */
  private static boolean linked(Path source, Path target) {
    try {
      Files.createLink(target, source);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Copies in steps of a mebibyte, pausing between them for the queries' share of the core. */
  private static long copy(InputStream in, Path target, BackgroundShare share) throws IOException {
    byte[] buf = new byte[1 << 20];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(target)) {
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
        out.write(buf, 0, n);
        total += n;
        share.pause();
      }
    }
    return total;
  }

  /** Size and modification time: what a file's record entry holds. */
  private static String stamp(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    return Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
  }

  private static Properties readRecord(Path dir) throws IOException {
    Properties p = new Properties();
    Path file = dir.resolve(RECORD);
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IllegalArgumentException e) { // a torn record: trust nothing, check everything
        return new Properties();
      }
    }
    return p;
  }

  private static void writeRecord(Path dir, Properties record) throws IOException {
    Path staged = dir.resolve(RECORD + ".part");
    try (Writer out = Files.newBufferedWriter(staged, StandardCharsets.UTF_8)) {
      record.store(out, "files of this directory that passed their check: size and modification time (ms)");
    }
    Files.move(staged, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes a version's copy (a version replaced and drained, or refused). */
  void remove(int version) throws IOException {
    deleteTree(dir(version));
  }

  /** Deletes every cached version but {@code keep}: what a previous run left behind. */
  void removeAllBut(int keep) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        if (d.getFileName().toString().matches("v-\\d{6,}") && !d.equals(dir(keep))) {
          deleteTree(d);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
