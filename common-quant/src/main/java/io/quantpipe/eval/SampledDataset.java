package io.quantpipe.eval;

import io.quantpipe.stats.TrainingSample;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.FvecsWriter;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dataset an advice is measured on: a seeded uniform sample of a corpus, with queries and exact
 * neighbours computed against the sample.
 *
 * <p>The sample is a {@link TrainingSample} (bottom-k of a hash of seed and record id), the same one
 * the Spark version fills partition by partition, so a corpus sampled locally or in Spark yields the
 * same vectors in the same order. Queries are the corpus's own query set when it has one; otherwise
 * the first {@code heldOut} vectors of the sample in sample order are held out as queries and the
 * rest form the base. When the corpus is no larger than the sample and has its own queries it is
 * used as it is, ground truth file included ({@link #asIs()}), so advising and {@code evaluate}
 * measure the same thing.
 *
 * @param dataset base, queries and exact neighbours (ordinals in the sample's base)
 * @param corpusRows vectors in the corpus the sample was drawn from
 * @param asIs whether the dataset is the corpus directory unchanged (nothing to write for a re-measure)
 * @param querySource where the queries came from, for the report
 */
public record SampledDataset(Dataset dataset, long corpusRows, boolean asIs, String querySource) {

  /**
   * Samples a TEXMEX directory ({@code base.fvecs}, optionally {@code query.fvecs} and
   * {@code groundtruth.ivecs}), streaming the base file: memory holds the sample only.
   */
  public static SampledDataset fromDirectory(Path dir, Similarity similarity, int k, int sampleSize, int heldOut,
                                             long seed, int threads) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new VectorFileException(dir, -1, "not a directory (expected one holding " + Dataset.BASE + ")");
    }
    Path basePath = dir.resolve(Dataset.BASE);
    Path queryPath = dir.resolve(Dataset.QUERY);
    boolean hasQueries = Files.isRegularFile(queryPath);
    long records = Files.isRegularFile(basePath) ? countRecords(basePath) : -1;
    if (hasQueries && records > 0 && records <= sampleSize) {
      return new SampledDataset(Dataset.load(dir, similarity, k, threads), records, true, queryPath.toString());
    }
    TrainingSample sample = new TrainingSample(sampleSize + (hasQueries ? 0 : heldOut), seed);
    long rows = 0;
    try (FvecsReader reader = FvecsReader.openFvecs(require(basePath))) {
      for (float[] row = reader.nextFloats(); row != null; row = reader.nextFloats()) {
        Dataset.checkDirection(basePath, rows, row, similarity);
        sample.add(rows, row, 0, row.length);
        rows++;
      }
    }
    if (rows == 0) {
      throw new VectorFileException(basePath, -1, "holds no vectors: there is nothing to advise on");
    }
    FloatVectors queries = hasQueries ? FvecsReader.readFvecs(queryPath) : null;
    if (queries != null) {
      for (int q = 0; q < queries.count(); q++) {
        Dataset.checkDirection(queryPath, q, queries.get(q), similarity);
      }
    }
    return fromSample(dir.toAbsolutePath().normalize().getFileName().toString(), rows, sample, queries,
        hasQueries ? queryPath.toString() : null, similarity, k, heldOut, threads);
  }

  /**
   * The dataset of a filled sample (the Spark version's entry): {@code queries} and its
   * {@code querySource} when the corpus has a query set, or null to hold {@code heldOut} sample
   * vectors out as queries.
   */
  public static SampledDataset fromSample(String name, long corpusRows, TrainingSample sample, FloatVectors queries,
                                          String querySource, Similarity similarity, int k, int heldOut, int threads) {
    if (sample.size() == 0) {
      throw new IllegalArgumentException("The corpus holds no vectors: there is nothing to advise on");
    }
    FloatVectors all = sample.vectors();
    FloatVectors base = all;
    String source = querySource;
    if (queries == null) {
      if (all.count() < heldOut + k) {
        throw new IllegalArgumentException("The corpus holds " + all.count() + " vectors: too few to hold out " + heldOut
            + " as queries and still search " + k + " neighbours (lower --queries or give a query set)");
      }
      queries = all.slice(0, heldOut);
      base = all.slice(heldOut, all.count());
      source = "held out: " + heldOut + " corpus vectors (the first of the sample)";
    } else if (queries.dim() != all.dim()) {
      throw new IllegalArgumentException("The queries have dimension " + queries.dim() + " but the corpus " + all.dim());
    }
    if (k > base.count()) {
      throw new IllegalArgumentException("--k " + k + " exceeds the " + base.count() + " vectors of the sample");
    }
    int depth = Math.min(base.count(), Math.max(k, 100));
    int[][] truth = GroundTruth.compute(base, queries, similarity, depth, threads);
    return new SampledDataset(new Dataset(name, base, queries, truth, "computed"), corpusRows, false, source);
  }

  /** Writes the dataset as a TEXMEX directory, so that {@code evaluate --data DIR} re-measures it. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    FvecsWriter.writeFvecs(dir.resolve(Dataset.BASE), dataset.base());
    FvecsWriter.writeFvecs(dir.resolve(Dataset.QUERY), dataset.queries());
    FvecsWriter.writeIvecs(dir.resolve(Dataset.GROUND_TRUTH), dataset.groundTruth());
  }

  private static Path require(Path file) throws VectorFileException {
    if (!Files.isRegularFile(file)) {
      throw new VectorFileException(file, -1, "missing (a dataset directory holds " + Dataset.BASE + ")");
    }
    return file;
  }

  /** Records in an fvecs file, from its size and first header (every record has the same dimension). */
  private static long countRecords(Path file) throws IOException {
    try (FvecsReader reader = FvecsReader.openFvecs(file)) {
      if (reader.nextFloats() == null) {
        return 0;
      }
      return Files.size(file) / (4L + 4L * reader.dim());
    }
  }
}
