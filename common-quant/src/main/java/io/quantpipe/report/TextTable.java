package io.quantpipe.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned plain-text table: a header row, a rule under it, then rows; the first column is
 * left-aligned and the others right-aligned (they hold figures). Cells are given already
 * formatted. A builder used by one thread; {@link #render()} may be called any number of times.
 *
 * <p>Shared by the evaluate, advise and stats reports.
 */
public final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** Renders {@code rows} (header first) without indent. */
  public static String render(List<String[]> rows) {
    TextTable t = new TextTable(rows.get(0));
    rows.subList(1, rows.size()).forEach(t::row);
    return t.render(0);
  }

  /** A table with these column headers. */
  public TextTable(String... header) {
    if (header.length == 0) {
      throw new IllegalArgumentException("Cannot make a table without columns");
    }
    this.columns = header.length;
    rows.add(header.clone());
  }

  /** Adds a row of exactly as many cells as there are columns. */
  public TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(String.format("Cannot add a row of %d cells to a table of %d columns: %s",
          cells.length, columns, String.join(" | ", cells)));
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, each line indented by {@code indent} spaces and ended by a newline. */
  public String render(int indent) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    String pad = " ".repeat(indent);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder(pad);
      for (int i = 0; i < columns; i++) {
        String cell = rows.get(r)[i];
        String fill = " ".repeat(widths[i] - cell.length());
        line.append(i == 0 ? cell + fill : fill + cell).append(i + 1 < columns ? "  " : "");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        int total = -2;
        for (int w : widths) {
          total += w + 2;
        }
        sb.append(pad).append("-".repeat(total)).append('\n');
      }
    }
    return sb.toString();
  }

  public String render() {
    return render(0);
  }
}
