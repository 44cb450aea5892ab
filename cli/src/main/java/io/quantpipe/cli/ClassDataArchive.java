package io.quantpipe.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The application class-data archive (AppCDS) of one engine JVM's classpath, which lets a later
 * JVM map the classes a run loaded, already parsed and verified, instead of loading them from the
 * jars: it takes about a second off a serving node's start on one core, most of what stands
 * between a warm restart and its first answer.
 *
 * <p>The archive is named for the classpath and every entry's size and modification time
 * ({@code out/cds/serving-1a2b3c4d.jsa}), so a rebuild or another dependency means another name
 * and the JVM never maps classes that are not the ones on its classpath (it would refuse them
 * anyway and start without). A JVM started while the archive is missing writes it when it exits
 * ({@code -XX:ArchiveClassesAtExit}) into a name of its own, which {@link #publish()} renames into
 * place once that JVM is gone, so a JVM killed while writing leaves only its temporary file,
 * deleted by a later launch. Java 17's dynamic archives are layered on the JDK's own, which Debian's
 * JDK ships. Not thread-safe except {@link #publish()}.
 */
final class ClassDataArchive {
  private final Path archive;
  private final Path writing;

  private ClassDataArchive(Path archive, Path writing) {
    this.archive = archive;
    this.writing = writing;
  }

  /**
   * The archive of {@code engine}'s {@code classpath} under {@code home/out/cds}.
   *
   * @throws IOException when the directory cannot be made or an entry's attributes read
   */
  static ClassDataArchive of(Path home, String engine, String classpath) throws IOException {
    CRC32 key = new CRC32();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      key.update((entry + (Files.exists(p) ? " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis() : ""))
          .getBytes(StandardCharsets.UTF_8));
    }
    Path dir = Files.createDirectories(home.resolve("out").resolve("cds"));
    String name = String.format("%s-%08x.jsa", engine, key.getValue());
    deleteLeftovers(dir, engine, name);
    return new ClassDataArchive(dir.resolve(name), dir.resolve(name + "." + ProcessHandle.current().pid() + ".tmp"));
  }

  /** The JVM flags: map the archive when it exists, otherwise write it at exit. CDS's own log stays off. */
  List<String> jvmFlags() {
    return Files.isRegularFile(archive)
        ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off")
        : List.of("-XX:ArchiveClassesAtExit=" + writing, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  /** Where the archive is (or will be). */
  Path path() {
    return archive;
  }

  /** Renames an archive the exited JVM wrote into place; does nothing when it wrote none. */
  synchronized void publish() throws IOException {
    if (Files.isRegularFile(writing) && Files.size(writing) > 0) {
      Files.move(writing, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.deleteIfExists(writing);
  }

  /** Archives of earlier builds, and temporary files whose JVM is gone. */
  private static void deleteLeftovers(Path dir, String engine, String keep) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, engine + "-*.jsa*")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.equals(keep) || name.endsWith(".tmp") && writerAlive(name)) {
          continue;
        }
        Files.deleteIfExists(f);
      }
    }
  }

  private static boolean writerAlive(String tmpName) {
    String[] parts = tmpName.split("\\.");
    try {
      return ProcessHandle.of(Long.parseLong(parts[parts.length - 2])).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
