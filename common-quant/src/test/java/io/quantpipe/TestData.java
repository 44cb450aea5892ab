package io.quantpipe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real datasets tests run on: the bundled siftsmall, and ../shared/data when present. */
public final class TestData {
  private TestData() {}

  /** The siftsmall copy bundled in the repository's data/ directory. */
  public static Path siftsmall() {
    Path p = Path.of("..", "data", "siftsmall");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("bundled dataset missing: " + p.toAbsolutePath());
    }
    return p;
  }

  /** ../shared/data/minilm-384 beside the checkout; skips the test when absent. */
  public static Path minilm() {
    Path p = Path.of("..", "..", "shared", "data", "minilm-384");
    assumeTrue(Files.isDirectory(p), "../shared/data/minilm-384 is not beside this checkout; skipping");
    return p;
  }

  /** The first {@code n} base vectors of siftsmall. */
  public static FloatVectors siftBase(int n) {
    try {
      return FvecsReader.readFvecs(siftsmall().resolve("base.fvecs"), n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code n} base vectors of minilm-384 (skips when absent). */
  public static FloatVectors minilmBase(int n) {
    try {
      return FvecsReader.readFvecs(minilm().resolve("base.fvecs"), n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
