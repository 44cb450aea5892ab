package io.quantpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes result rows as JSON lines, all at once: to a temporary sibling, then renamed into place. */
final class JsonLines {
  private JsonLines() {}

  static void write(Path file, List<?> rows) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    StringBuilder lines = new StringBuilder();
    for (Object row : rows) {
      lines.append(mapper.writeValueAsString(row)).append('\n');
    }
    Files.writeString(tmp, lines);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
