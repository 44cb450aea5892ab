package io.quantpipe.spark.testing;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A larger corpus derived from a real TEXMEX dataset, for scale runs: row {@code i} is row
 * {@code i mod n} of the source's {@code base.fvecs} (n rows) plus Gaussian noise,
 * {@code v + sigma * g}, re-normalised when the source is unit-norm; the first n rows are the source
 * itself. {@code sigma} is {@code noise} times the mean per-dimension standard deviation of the
 * source, the recipe {@code bin/benchmark-hnsw} uses for its 100k set. The source's queries are
 * copied unchanged; exact neighbours are the pipeline's to compute.
 *
 * <p>Written as a TEXMEX directory ({@code base.fvecs}, {@code query.fvecs}, {@code README.md}),
 * streamed row by row, so only the source is held in memory. The same arguments give the same
 * bytes. Stateless.
 */
public final class DerivedCorpus {
  private DerivedCorpus() {}

  /** What was written: the directory, its row count and the noise scale used. */
  public record Written(Path dir, long rows, int dim, double sigma) {
    /** The base vectors' size as float32, in bytes. */
    public long floatBytes() {
      return rows * dim * 4L;
    }
  }

  /** Writes {@code rows} derived vectors from {@code source} into {@code target} (replacing it). */
  public static Written write(Path source, long rows, double noise, long seed, Path target) throws IOException {
    FloatVectors base = FvecsReader.readFvecs(source.resolve("base.fvecs"));
    int n = base.count();
    int dim = base.dim();
    boolean unitNorm = isUnitNorm(base);
    double sigma = noise * meanStd(base);
    Files.createDirectories(target);
    Path tmp = target.resolve("base.fvecs.tmp");
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer record = ByteBuffer.allocate(4 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[dim];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      for (long i = 0; i < rows; i++) {
        System.arraycopy(base.data(), base.offset((int) (i % n)), v, 0, dim);
        if (i >= n) {
          perturb(v, sigma, random, unitNorm);
        }
        record.clear();
        record.putInt(dim);
        for (float x : v) {
          record.putFloat(x);
        }
        out.write(record.array());
      }
    }
    Files.move(tmp, target.resolve("base.fvecs"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(source.resolve("query.fvecs"), target.resolve("query.fvecs"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(target.resolve("README.md"), String.format(Locale.ROOT,
        "# %,d vectors derived from %s%n%nRow i = row (i mod %d) of its base.fvecs%s; rows 0..%d are the source"
            + " itself.%nsigma = %.3f x mean per-dimension std = %.6f; seed %d. Queries: the source's query.fvecs.%n",
        rows, source, n, unitNorm ? " + sigma*g, re-normalised (g standard Gaussian)" : " + sigma*g (g standard Gaussian)",
        n - 1, noise, sigma, seed));
    return new Written(target, rows, dim, sigma);
  }

  private static void perturb(float[] v, double sigma, SplittableRandom random, boolean normalise) {
    double norm = 0;
    for (int j = 0; j < v.length; j++) {
      v[j] += (float) (sigma * gaussian(random));
      norm += (double) v[j] * v[j];
    }
    if (normalise && norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < v.length; j++) {
        v[j] *= inv;
      }
    }
  }

  /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static boolean isUnitNorm(FloatVectors base) {
    for (int i = 0; i < base.count(); i++) {
      double norm = 0;
      for (float x : base.get(i)) {
        norm += (double) x * x;
      }
      if (Math.abs(Math.sqrt(norm) - 1) > 1e-3) {
        return false;
      }
    }
    return true;
  }

  private static double meanStd(FloatVectors base) {
    int n = base.count();
    int dim = base.dim();
    double total = 0;
    for (int j = 0; j < dim; j++) {
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double x = base.data()[base.offset(i) + j];
        sum += x;
        sumSq += x * x;
      }
      double mean = sum / n;
      total += Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    }
    return total / dim;
  }
}
