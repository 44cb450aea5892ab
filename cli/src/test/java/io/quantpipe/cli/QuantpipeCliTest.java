package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The one command line: its table of contents, every command's help, suggestions and exit codes. */
class QuantpipeCliTest {
  private static final List<String> COMMANDS = List.of("pipeline", "stats", "evaluate", "advise", "migrate", "rollback",
      "stream", "retrain-check", "serve", "hnsw", "drift-replay", "bench", "stream-demo", "completion", "help");

  @Test
  void helpListsEveryCommandWithOneLine() {
    CliRun r = CliRun.of("--help");
    assertThat(r.code()).isZero();
    for (String command : COMMANDS) {
      assertThat(r.out()).containsPattern("(?m)^  " + command + " +\\S");
    }
    assertThat(r.out()).contains("Exit codes: 0 done, 2 bad input or options, 3 quality gate failed, 1 anything");
  }

  @Test
  void everyCommandAndSubcommandHasHelp() {
    Map<String, CommandLine> subcommands = QuantpipeCli.commandLine().getSubcommands();
    assertThat(subcommands.keySet()).containsExactlyElementsOf(COMMANDS);
    for (var e : subcommands.entrySet()) {
      CliRun r = CliRun.of(e.getKey(), "--help");
      assertThat(r.code()).as(e.getKey()).isZero();
      assertThat(r.out()).as(e.getKey()).contains("Usage: quantpipe " + e.getKey()).contains("Example:");
      for (String sub : e.getValue().getSubcommands().keySet()) {
        CliRun s = CliRun.of(e.getKey(), sub, "--help");
        assertThat(s.code()).as(e.getKey() + " " + sub).isZero();
        assertThat(s.out()).as(e.getKey() + " " + sub).startsWith("Usage: quantpipe " + e.getKey() + " " + sub);
      }
    }
  }

  @Test
  void everyExampleParses() {
    for (var e : QuantpipeCli.EXAMPLES.entrySet()) {
      String example = e.getValue();
      if (example.startsWith("bin/quantpipe ")) {
        String[] words = example.substring("bin/quantpipe ".length()).split(" ");
        QuantpipeCli.commandLine().parseArgs(words); // throws on an unknown option or a bad value
        assertThat(words[0]).as(e.getKey()).isEqualTo(e.getKey().split(" ")[0]);
      }
    }
  }

  @Test
  void aMistypedCommandGetsTheClosestOneAndExitTwo() {
    CliRun r = CliRun.of("pipelin", "--conf", "conf/local.conf");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched arguments from index 0: 'pipelin'").contains("Did you mean: quantpipe pipeline");
  }

  @ParameterizedTest
  @ValueSource(strings = {"stats", "rollback", "migrate"})
  void aMistypedOptionGetsTheClosestOneAndExitTwo(String command) {
    CliRun r = CliRun.of(command, "--indx", "out/index");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: --indx").containsPattern("Possible solutions: .*--index")
        .contains("Run 'quantpipe " + command + " --help' for usage.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pipeline", "stream"})
  void aMistypedOptionOfAnEngineCommandIsCaughtBeforeTheEngineStarts(String command) {
    CliRun r = CliRun.of(command, "--cof", "conf/local.conf");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: --cof").containsPattern("Possible solutions: .*--conf")
        .doesNotContain("log out/logs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"stats", "rollback"})
  void aLibraryCommandRunsInThisJvmAndNamesWhatIsMissing(String command) {
    String root = Path.of("target", "no-index-here").toAbsolutePath().toString();
    CliRun r = CliRun.of(command, "--index", root);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).containsPattern("(?m)^" + command + ": .*" + Pattern.quote(root)).doesNotContain("Exception");
  }

  @Test
  void versionNamesTheBuildsRevision() {
    CliRun r = CliRun.of("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).matches("quantpipe \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(git [0-9a-f]{7,}(\\+dirty)?\\)");
  }

  @Test
  void completionIsABashScriptCoveringTheCommands() {
    CliRun r = CliRun.of("completion");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("complete -F").contains("pipeline").contains("stream-demo");
  }
}
