package io.quantpipe.serving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * When this process started, to within the kernel's clock tick (10 ms): now minus the process's
 * age, which is the system's uptime ({@code /proc/uptime}) less the process's start in ticks since
 * boot ({@code /proc/self/stat}, field 22). {@link ProcessHandle.Info#startInstant()} adds the boot
 * time, which Linux gives in whole seconds, so it can be off by up to a second: too coarse for a
 * start-up time measured in hundreds of milliseconds. Stateless.
 */
final class ProcessStart {
  /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux architecture the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100;

  private ProcessStart() {}

  static Instant instant() {
    try {
      Instant now = Instant.now();
      double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split("\\s+")[0]);
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
      double startedAfterBoot = Long.parseLong(fields[19]) / TICKS_PER_SECOND; // field 22 overall
      return now.minusMillis(Math.round((uptime - startedAfterBoot) * 1000));
    } catch (java.io.IOException | RuntimeException e) {
      return ProcessHandle.current().info().startInstant().orElse(Instant.now());
    }
  }
}
