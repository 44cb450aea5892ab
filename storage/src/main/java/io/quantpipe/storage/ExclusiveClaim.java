package io.quantpipe.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A claim that at most one of any number of concurrent claimers wins: a version number, or the
 * root's pointer lease. It needs no atomic create-if-absent, which Hadoop 3.4's S3A does not offer
 * (S3 conditional writes reach S3A in 3.4.2), only a store whose writes and listings are
 * linearizable: a write is listed by every listing that starts after the write returns. Local and
 * HDFS file systems give that; so does S3 since December 2020 (strong read-after-write for PUT and
 * LIST), and so do S3Proxy and MinIO. Stores without it (S3 before then, some S3 look-alikes) are
 * not safe for concurrent runs.
 *
 * <p>The protocol: write {@code DIR/PREFIX.TOKEN} (a fresh random token) holding the owner and an
 * expiry time, then list {@code DIR/PREFIX.*}. The claim wins if it is the only live one listed;
 * otherwise it deletes itself and loses. Of two overlapping claimers, the one that lists second
 * lists the other's claim, so both cannot win; both can lose, and then retry. A claim that never
 * expires (a version's) is kept for good, so every later claimer lists it and loses. A lease
 * expires: claims past their expiry (a killed holder's) are ignored and deleted by the next
 * claimer, and the holder {@link #release()}s its claim when done.
 *
 * <p>{@link #close()} releases it, so that in try-with-resources a release that fails (the store
 * went down under the work it guards) is added to the work's own failure instead of hiding it.
 *
 * <p>One claim, one thread.
 */
public final class ExclusiveClaim implements java.io.Closeable {
  /** The expiry of a claim that never expires. */
  public static final long FOREVER = Long.MAX_VALUE;

  private final FileSystem fs;
  private final Path file;

  /** The store itself: a local file system's checksum layer would add .crc files and warnings. */
  private static FileSystem raw(FileSystem fs) {
    return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }

  private ExclusiveClaim(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
  }

  /**
   * Tries once to claim {@code prefix} under {@code dir}.
   *
   * @param owner who claims, for the messages of those who lose (a run id, a host and pid)
   * @param expiresAtMillis when the claim stops counting, epoch milliseconds, or {@link #FOREVER}
   * @return the claim when it won, or null when another live claim was listed
   */
  public static ExclusiveClaim tryClaim(FileSystem fs, Path dir, String prefix, String owner, long expiresAtMillis)
      throws IOException {
    fs = raw(fs);
    Path mine = new Path(dir, prefix + "." + UUID.randomUUID());
    try (var out = fs.create(mine, false)) {
      out.write((expiresAtMillis + " " + owner + "\n").getBytes(StandardCharsets.UTF_8));
    }
    if (liveClaims(fs, dir, prefix, mine).isEmpty()) {
      return new ExclusiveClaim(fs, mine);
    }
    fs.delete(mine, false);
    return null;
  }

  /**
   * Claims a lease of {@code leaseMs}, retrying while others hold it, for up to {@code waitMs}.
   *
   * @throws IOException naming the holders when the wait runs out
   */
  public static ExclusiveClaim acquire(FileSystem fs, Path dir, String prefix, String owner, long leaseMs, long waitMs)
      throws IOException {
    long deadline = System.currentTimeMillis() + waitMs;
    for (int attempt = 0; ; attempt++) {
      ExclusiveClaim lease = tryClaim(fs, dir, prefix, owner, System.currentTimeMillis() + leaseMs);
      if (lease != null) {
        return lease;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(String.format("%s/%s.* stayed claimed by %s for over %d ms; %s gave up",
            dir, prefix, owners(fs, dir, prefix), waitMs, owner));
      }
      pause(attempt, dir.toString());
    }
  }

  /** Waits a random few milliseconds, longer after each failed attempt, so that contenders spread out. */
  public static void pause(int attempt, String where) throws IOException {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L + 20L * Math.min(attempt, 20)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while claiming under " + where);
    }
  }

  /** The owners of the live claims on {@code prefix} under {@code dir}, for messages. */
  public static List<String> owners(FileSystem fs, Path dir, String prefix) throws IOException {
    fs = raw(fs);
    List<String> owners = new ArrayList<>();
    for (Path p : liveClaims(fs, dir, prefix, null)) {
      String[] parts = read(fs, p);
      if (parts != null) {
        owners.add(parts[1]);
      }
    }
    return owners;
  }

  /** Claims on {@code prefix} other than {@code mine} that have not expired; deletes the expired ones. */
  private static List<Path> liveClaims(FileSystem fs, Path dir, String prefix, Path mine) throws IOException {
    List<Path> live = new ArrayList<>();
    FileStatus[] listed;
    try {
      listed = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return live;
    }
    long now = System.currentTimeMillis();
    for (FileStatus s : listed) {
      Path p = s.getPath();
      String name = p.getName();
      if (!name.startsWith(prefix + ".") || name.endsWith(".crc") || (mine != null && name.equals(mine.getName()))) {
        continue;
      }
      String[] parts = read(fs, p);
      if (parts == null) {
        continue; // deleted since the listing: its owner lost or released it
      }
      if (expiry(parts[0]) < now) {
        fs.delete(p, false); // a killed holder's lease
      } else {
        live.add(p);
      }
    }
    return live;
  }

  /** {expiry, owner}, or null when the claim is gone. A claim being written counts as live. */
  private static String[] read(FileSystem fs, Path p) throws IOException {
    String text;
    try (var in = fs.open(p)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (FileNotFoundException e) {
      return null;
    }
    int space = text.indexOf(' ');
    return space < 0 ? new String[] {Long.toString(FOREVER), "(being written)"}
        : new String[] {text.substring(0, space), text.substring(space + 1)};
  }

  private static long expiry(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return FOREVER; // not ours to judge: a claim we cannot read stays live
    }
  }

  /** Deletes the claim: for a lease, when the work it guards is done. */
  public void release() throws IOException {
    fs.delete(file, false);
  }

  /** {@link #release()}. */
  @Override
  public void close() throws IOException {
    release();
  }
}
