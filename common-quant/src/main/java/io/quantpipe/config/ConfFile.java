package io.quantpipe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code conf/*.conf} profile: one {@code key = value} per line, {@code #} starts a
 * comment, blank lines are ignored. Keys are the kebab-case option keys of {@link PipelineOptions}
 * plus any {@code spark.*} setting, which is passed to Spark as {@code spark-submit --conf} would.
 * A key given twice is an error (the second would silently win otherwise).
 *
 * <p>Stateless.
 */
public final class ConfFile {
  private ConfFile() {}

  /** The file's settings in file order. */
  public static Map<String, String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Conf file " + file + " does not exist");
    }
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses lines of a conf file named {@code source} in messages. */
  public static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i)).strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(String.format(
            "%s line %d: expected 'key = value', got '%s'", source, i + 1, lines.get(i).strip()));
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException(String.format("%s line %d: key '%s' is set twice", source, i + 1, key));
      }
    }
    return out;
  }

  /** Parses a command-line override {@code key=value}. */
  public static Map.Entry<String, String> parseOverride(String text, String flag) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " expects KEY=VALUE; got '" + text + "'");
    }
    return Map.entry(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }
}
