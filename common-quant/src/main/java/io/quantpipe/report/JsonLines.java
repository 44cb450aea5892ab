package io.quantpipe.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes result rows as JSON lines, all at once: to a temporary sibling, then renamed into place. */
public final class JsonLines {
  private JsonLines() {}

  /** Writes one object, pretty-printed, the same way: all or nothing. */
  public static void writeObject(Path file, Object value) throws IOException {
    replace(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
  }

  public static void write(Path file, List<?> rows) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (Object row : rows) {
      lines.append(mapper.writeValueAsString(row)).append('\n');
    }
    replace(file, lines);
  }

  /** Writes beside the target, then moves over it: a reader sees the old file or the new, never half. */
  private static void replace(Path file, CharSequence text) throws IOException {
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
