package io.quantpipe.cli;

import java.util.List;

/**
 * An aligned plain-text table: the first row is the header, underlined; the first column is
 * left-aligned, the others right-aligned (they hold numbers). Stateless.
 */
public final class TextTable {
  private TextTable() {}

  /** Renders {@code rows} (header first), each line ending in a newline. */
  public static String render(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        String fill = " ".repeat(widths[i] - row[i].length());
        sb.append(i == 0 ? row[i] + fill : fill + row[i]).append(i + 1 < row.length ? "  " : "");
      }
      sb.append('\n');
      if (r == 0) {
        int total = 0;
        for (int w : widths) {
          total += w + 2;
        }
        sb.append("-".repeat(total - 2)).append('\n');
      }
    }
    return sb.toString();
  }
}
