package io.quantpipe.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node process's resident set size, from {@code /proc/self/status} ({@code VmRSS}): heap plus
 * the pages of the memory-mapped index that are in memory, which is what a node costs a host.
 * Stateless.
 */
final class ResidentMemory {
  private ResidentMemory() {}

  /** The RSS in bytes, or −1 where {@code /proc} is not available. */
  static long bytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
