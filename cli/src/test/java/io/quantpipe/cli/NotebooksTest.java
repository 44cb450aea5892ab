package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed notebooks are executed and show their figures inline: every notebook has
 * {@code image/png} outputs, no cell ended in an error, and each figure it saves to
 * {@code notebooks/figures/} is committed beside it (bin/test executes them again, headless).
 */
class NotebooksTest {
  private static final Path NOTEBOOKS = Path.of(System.getProperty("quantpipe.home"), "notebooks");

  @Test
  void everyNotebookIsCommittedExecutedWithInlineFigures() throws IOException {
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).hasSizeGreaterThanOrEqualTo(4);
    for (Path notebook : notebooks) {
      JsonNode cells = new ObjectMapper().readTree(notebook.toFile()).path("cells");
      int images = 0;
      for (JsonNode cell : cells) {
        for (JsonNode output : cell.path("outputs")) {
          assertThat(output.path("output_type").asText()).as(notebook + ": a cell ended in an error").isNotEqualTo("error");
          images += output.path("data").has("image/png") ? 1 : 0;
        }
      }
      assertThat(images).as(notebook + ": inline image/png outputs").isPositive();
    }
  }
}
