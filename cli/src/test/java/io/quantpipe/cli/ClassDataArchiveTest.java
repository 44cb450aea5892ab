package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
  @TempDir
  Path home;

  @Test
  void theArchiveIsWrittenOnceThenMappedAndARebuildNamesAnother() throws Exception {
    Path jar = Files.writeString(home.resolve("node.jar"), "classes");
    String classpath = jar.toString();
    ClassDataArchive first = ClassDataArchive.of(home, "serving", classpath);
    assertThat(first.jvmFlags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=")).contains("-Xlog:cds=off");
    String writing = first.jvmFlags().get(0).substring("-XX:ArchiveClassesAtExit=".length());
    first.publish(); // the JVM wrote nothing (killed before it exited): nothing to keep
    assertThat(first.path()).doesNotExist();

    Files.writeString(Path.of(writing), "archive bytes"); // what the exiting JVM writes
    first.publish();
    assertThat(first.path()).hasContent("archive bytes");
    assertThat(Path.of(writing)).doesNotExist();
    ClassDataArchive again = ClassDataArchive.of(home, "serving", classpath);
    assertThat(again.path()).isEqualTo(first.path());
    assertThat(again.jvmFlags()).contains("-XX:SharedArchiveFile=" + first.path());

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000)); // a rebuild
    ClassDataArchive rebuilt = ClassDataArchive.of(home, "serving", classpath);
    assertThat(rebuilt.path()).isNotEqualTo(first.path());
    assertThat(first.path()).as("the old build's archive is deleted").doesNotExist();
    assertThat(rebuilt.jvmFlags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
  }

  @Test
  void aTemporaryFileOfAJvmThatIsGoneIsDeleted() throws Exception {
    Path dir = Files.createDirectories(home.resolve("out").resolve("cds"));
    Path orphan = Files.writeString(dir.resolve("serving-00000000.jsa.999999999.tmp"), "torn");
    Path mine = Files.writeString(dir.resolve("serving-00000000.jsa." + ProcessHandle.current().pid() + ".tmp"), "writing");
    ClassDataArchive.of(home, "serving", Files.writeString(home.resolve("a.jar"), "x").toString());
    assertThat(orphan).doesNotExist();
    assertThat(mine).as("a live launcher's file stays").exists();
  }
}
