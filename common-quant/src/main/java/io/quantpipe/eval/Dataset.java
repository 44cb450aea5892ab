package io.quantpipe.eval;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark dataset in a TEXMEX directory: {@code base.fvecs}, {@code query.fvecs} and, when
 * present, {@code groundtruth.ivecs} (exact neighbour ordinals per query, best first), checked for
 * consistency on load. When ground truth is absent or shallower than {@code k}, it is computed
 * exactly with {@link GroundTruth}.
 *
 * @param name the directory's name
 * @param base the corpus
 * @param queries the held-out queries
 * @param groundTruth exact neighbours per query, at least {@code k} deep
 * @param groundTruthSource {@code file} or {@code computed}
 */
public record Dataset(String name, FloatVectors base, FloatVectors queries, int[][] groundTruth, String groundTruthSource) {

  public static final String BASE = "base.fvecs";
  public static final String QUERY = "query.fvecs";
  public static final String GROUND_TRUTH = "groundtruth.ivecs";

  /** Loads and checks a dataset directory for top-{@code k} evaluation under {@code similarity}. */
  public static Dataset load(Path dir, Similarity similarity, int k, int threads) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new VectorFileException(dir, -1, "not a directory (expected one holding " + BASE + " and " + QUERY + ")");
    }
    Path basePath = require(dir.resolve(BASE));
    Path queryPath = require(dir.resolve(QUERY));
    FloatVectors base = FvecsReader.readFvecs(basePath);
    FloatVectors queries = FvecsReader.readFvecs(queryPath);
    if (queries.dim() != base.dim()) {
      throw new VectorFileException(queryPath, 0, "dimension " + queries.dim() + " differs from the base vectors' " + base.dim());
    }
    if (k > base.count()) {
      throw new IllegalArgumentException("--k " + k + " exceeds the " + base.count() + " base vectors of " + basePath);
    }
    checkNormalisable(basePath, base, similarity);
    checkNormalisable(queryPath, queries, similarity);
    Path gtPath = dir.resolve(GROUND_TRUTH);
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    if (Files.exists(gtPath)) {
      int[][] gt = FvecsReader.readIvecs(gtPath);
      checkGroundTruth(gtPath, gt, queries.count(), base.count());
      if (gt[0].length >= k) {
        return new Dataset(name, base, queries, gt, "file");
      }
    }
    return new Dataset(name, base, queries, GroundTruth.compute(base, queries, similarity, Math.min(base.count(), Math.max(k, 100)), threads), "computed");
  }

  private static Path require(Path file) throws VectorFileException {
    if (!Files.isRegularFile(file)) {
      throw new VectorFileException(file, -1, "missing (a dataset directory holds " + BASE + ", " + QUERY + " and optionally " + GROUND_TRUTH + ")");
    }
    return file;
  }

  private static void checkNormalisable(Path file, FloatVectors v, Similarity similarity) throws VectorFileException {
    if (similarity != Similarity.COSINE) {
      return;
    }
    for (int i = 0; i < v.count(); i++) {
      boolean zero = true;
      for (int j = 0; j < v.dim() && zero; j++) {
        zero = v.data()[v.offset(i) + j] == 0;
      }
      if (zero) {
        throw new VectorFileException(file, i, "zero vector has no direction for cosine similarity");
      }
    }
  }

  /** Refuses, for cosine, a zero vector (record {@code record} of {@code file}): it has no direction. */
  static void checkDirection(Path file, long record, float[] row, Similarity similarity) throws VectorFileException {
    if (similarity != Similarity.COSINE) {
      return;
    }
    for (float x : row) {
      if (x != 0) {
        return;
      }
    }
    throw new VectorFileException(file, record, "zero vector has no direction for cosine similarity");
  }

  private static void checkGroundTruth(Path file, int[][] gt, int queries, int base) throws VectorFileException {
    if (gt.length != queries) {
      throw new VectorFileException(file, -1, "holds " + gt.length + " rows but " + QUERY + " holds " + queries + " queries");
    }
    for (int q = 0; q < gt.length; q++) {
      for (int id : gt[q]) {
        if (id < 0 || id >= base) {
          throw new VectorFileException(file, q, "neighbour id " + id + " is outside the " + base + " base vectors");
        }
      }
    }
  }
}
