package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command the README and {@code docs/} show, in a code block or an inline code span, parses
 * against the CLI as it is:
 * a renamed command, a removed option or a value of the wrong type fails here, so the docs cannot
 * drift from the code. Scripts they show ({@code bin/benchmark-hnsw}, ...) must exist and be
 * executable. Lines with {@code [optional]} or {@code a|b} are synopses, not commands, and are
 * skipped; {@code bin/test} and the notebooks run the README's two commands for real.
 */
class DocsCommandsTest {
  private static final Path REPO = Path.of(System.getProperty("quantpipe.home")).toAbsolutePath().normalize();
  /** Marks a command named inline in prose: a mention may leave out required options, nothing else. */
  private static final String INLINE_MARK = "inline: ";
  private static final Pattern INLINE = Pattern.compile("`(bin/[^`]+)`");
  private static final Pattern TOKEN = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)");

  @Test
  void everyDocumentedCommandParses() throws IOException {
    List<String> commands = documentedCommands();
    assertThat(commands).as("commands found in the docs").hasSizeGreaterThan(10);
    List<String> failures = new ArrayList<>();
    for (String entry : commands) {
      boolean inline = entry.startsWith(INLINE_MARK);
      String command = inline ? entry.substring(INLINE_MARK.length()) : entry;
      List<String> words = words(command);
      String program = words.get(0);
      if (program.equals("bin/quantpipe")) {
        try {
          QuantpipeCli.commandLine().parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        } catch (CommandLine.MissingParameterException e) {
          if (!inline) {
            failures.add(command + "\n    -> " + e.getMessage());
          }
        } catch (CommandLine.ParameterException e) {
          failures.add(command + "\n    -> " + e.getMessage());
        }
      } else if (!Files.isExecutable(REPO.resolve(program))) {
        failures.add(command + "\n    -> " + program + " is not an executable file of the repository");
      }
    }
    assertThat(failures).as("documented commands that do not parse").isEmpty();
  }

  /**
   * Command lines from README.md and docs/*.md: fenced code blocks (continuation lines joined) and
   * inline code spans.
   */
  static List<String> documentedCommands() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> commands = new ArrayList<>();
    for (Path page : pages) {
      boolean code = false;
      StringBuilder pending = null;
      for (String line : Files.readAllLines(page)) {
        if (line.startsWith("```")) {
          code = !code;
          continue;
        }
        if (!code) {
          Matcher inline = INLINE.matcher(line);
          while (inline.find()) {
            add(commands, INLINE_MARK + inline.group(1).strip());
          }
          continue;
        }
        String l = line.strip();
        if (pending != null) {
          pending.append(' ').append(l);
        } else if (l.startsWith("bin/")) {
          pending = new StringBuilder(l);
        } else {
          continue;
        }
        if (pending.toString().endsWith("\\")) {
          pending.setLength(pending.length() - 1);
        } else {
          add(commands, pending.toString().strip());
          pending = null;
        }
      }
    }
    return commands;
  }

  private static void add(List<String> commands, String command) {
    // Synopses ([optional], a|b, ...) and placeholders in capitals (DIR, ROOT) are not runnable as written,
    // but their command and option names still must exist: keep those, drop the rest.
    if (!command.contains("[") && !command.contains("|") && !command.contains("...")) {
      commands.add(command);
    }
  }

  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    Matcher m = TOKEN.matcher(command);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
    }
    return words;
  }
}
