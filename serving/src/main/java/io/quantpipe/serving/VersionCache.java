package io.quantpipe.serving;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.index.IndexFileCheck;
import io.quantpipe.index.IndexManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;

/**
 * The node's local copies of published versions, one directory per version
 * ({@code CACHE/v-000003/}), which the index is memory-mapped from. A version's files are fetched
 * one by one from its {@code index/} directory on the root's file system into a temporary name,
 * checked ({@link IndexFileCheck}) and only then renamed into place, so a file under its own name
 * in the cache has passed its check; a file already there and intact is not fetched again, which
 * is what makes a restart with a warm cache download nothing. Thread-safe for distinct versions;
 * one caller per version at a time (the node's follower thread).
 */
final class VersionCache {
  private final Path root;

  /** What fetching one version cost. */
  record Fetched(Path dir, IndexManifest manifest, int filesDownloaded, int filesReused, long bytesDownloaded) {}

  VersionCache(Path root) throws IOException {
    this.root = Files.createDirectories(root).toAbsolutePath();
  }

  Path dir(int version) {
    return root.resolve(CatalogPointer.dirName(version));
  }

  /**
   * Brings {@code version}'s index directory into the cache and checks every file.
   *
   * @param fs the root's file system
   * @param remoteIndex the version's {@code index/} directory on {@code fs}
   * @param indexJson {@code index.json}'s bytes, already checked against the version manifest
   * @throws CorruptArtifactException naming the remote file that failed its check (the version
   *     must be refused); nothing that failed stays in the cache
   * @throws IOException when storage cannot be read (worth retrying)
   */
  Fetched fetch(FileSystem fs, org.apache.hadoop.fs.Path remoteIndex, int version, byte[] indexJson) throws IOException {
    Path dir = Files.createDirectories(dir(version));
    IndexManifest manifest = IndexManifest.parse(indexJson, new org.apache.hadoop.fs.Path(remoteIndex, IndexManifest.FILE)
        .toString());
    int downloaded = 0;
    int reused = 0;
    long bytes = 0;
    for (IndexFileCheck check : IndexFileCheck.of(manifest)) {
      Path local = dir.resolve(check.name());
      if (check.isIntact(local)) {
        reused++;
        continue;
      }
      Path partial = dir.resolve("." + check.name() + ".part");
      org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(remoteIndex, check.name());
      try (InputStream in = fs.open(remote)) {
        bytes += Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        check.verify(partial);
      } catch (CorruptArtifactException e) {
        Files.deleteIfExists(partial);
        String reason = e.getMessage().substring(Math.min(e.getMessage().length(), partial.toString().length() + 2));
        throw new CorruptArtifactException(remote.toString(), reason + " (checked on arrival)", e);
      }
      Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      downloaded++;
    }
    // index.json last: a directory with it has every file it names.
    Path staged = dir.resolve("." + IndexManifest.FILE + ".part");
    Files.write(staged, indexJson);
    Files.move(staged, dir.resolve(IndexManifest.FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Fetched(dir, manifest, downloaded, reused, bytes);
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
