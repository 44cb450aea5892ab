package io.quantpipe.cli;

import io.quantpipe.report.JsonLines;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.drift.DriftReport;
import io.quantpipe.drift.DriftThresholds;
import io.quantpipe.drift.DriftWindow;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantpipe drift-replay}: streams vectors whose distribution shifts through the drift
 * check the Flink job runs (the published version's {@link Codebooks}, {@link DriftWindow},
 * {@link DriftThresholds}) and writes every window's report, drifted or not, as JSON lines: the
 * error curve the stream job only exposes as gauges, and where its threshold fires.
 *
 * <p>The stream: record {@code i} is base vector {@code i mod n} plus Gaussian noise of
 * {@code --noise} per-dimension standard deviations (so it is not a training row), plus
 * {@code t·shift} standard deviations along a seeded ±1 direction, where {@code t} is 0 for the
 * first {@code --stable} records and then ramps linearly to 1 over {@code --ramp} records.
 */
@Command(name = "drift-replay", mixinStandardHelpOptions = true,
    description = "Replay a shifting stream through the stream job's drift check; one JSON line per window.")
public final class DriftReplayCommand implements Callable<Integer> {
  @Option(names = "--index", required = true, description = "A local index root the pipeline published.")
  Path index;

  @Option(names = "--data", required = true, description = "An fvecs file or TEXMEX directory (base.fvecs).")
  Path data;

  @Option(names = "--records", defaultValue = "30000")
  int records;

  @Option(names = "--stable", defaultValue = "10000", description = "Records before the shift starts.")
  int stable;

  @Option(names = "--ramp", defaultValue = "15000", description = "Records over which the shift grows to full.")
  int ramp;

  @Option(names = "--shift", defaultValue = "1.0", description = "Full shift, in per-dimension standard deviations.")
  double shift;

  @Option(names = "--noise", defaultValue = "0.1", description = "Noise, in per-dimension standard deviations.")
  double noise;

  @Option(names = "--window", defaultValue = "1000", description = "Vectors per drift window (drift-window).")
  int window;

  @Option(names = "--error-ratio", defaultValue = "1.5", description = "drift-error-ratio threshold.")
  double errorRatio;

  @Option(names = "--occupancy-psi", defaultValue = "0.25", description = "drift-occupancy-psi threshold.")
  double occupancyPsi;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--json", required = true, description = "Write one JSON object per window here.")
  Path json;

  @Override
  public Integer call() throws Exception {
    CodebookRelease release = CodebookRelease.fetchCurrent(new LocalBlobStore(index));
    if (release == null) {
      throw new IllegalArgumentException("Nothing is published under " + index);
    }
    Codebooks books = Codebooks.of(release);
    FloatVectors base = FvecsReader.readFvecs(Files.isDirectory(data) ? data.resolve("base.fvecs") : data);
    if (base.dim() != books.dimension()) {
      throw new IllegalArgumentException(String.format("%s has dimension %d, the index %d", data, base.dim(),
          books.dimension()));
    }
    DriftThresholds thresholds = new DriftThresholds(errorRatio, occupancyPsi, window);
    double[] std = std(base);
    SplittableRandom random = new SplittableRandom(seed);
    float[] direction = new float[base.dim()];
    for (int j = 0; j < direction.length; j++) {
      direction[j] = (float) ((random.nextBoolean() ? 1 : -1) * std[j]);
    }
    byte[] code = new byte[books.codeBytes()];
    float[] v = new float[base.dim()];
    List<Map<String, Object>> rows = new ArrayList<>();
    DriftWindow w = new DriftWindow(books.coarse().count());
    for (int i = 0; i < records; i++) {
      double t = shiftAt(i);
      float[] row = base.get(i % base.count());
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (row[j] + noise * std[j] * gaussian(random) + t * shift * direction[j]);
      }
      int partition = books.encode(v, code);
      w.add(partition, DriftBaseline.relativeError(books.quantizer(), v, code));
      if (w.count() == window) {
        rows.add(row(rows.size(), i + 1, t, w.report(books.version(), books.baseline(), thresholds)));
        w = new DriftWindow(books.coarse().count());
      }
    }
    JsonLines.write(json, rows);
    long drifted = rows.stream().filter(r -> (Boolean) r.get("drifted")).count();
    System.out.printf("%d windows of %d vectors, %d drifted; written to %s%n", rows.size(), window, drifted, json);
    return 0;
  }

  /** The shift's fraction at record {@code i}: 0 while stable, then a linear ramp to 1. */
  double shiftAt(int i) {
    return i < stable ? 0 : Math.min(1.0, (i - stable + 1) / (double) Math.max(1, ramp));
  }

  private static Map<String, Object> row(int window, int endRecord, double t, DriftReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("window", window);
    m.put("end_record", endRecord);
    m.put("shift_fraction", t);
    m.put("codebook_version", r.codebookVersion());
    m.put("count", r.count());
    m.put("mean_relative_error", r.meanRelativeError());
    m.put("baseline_error", r.baselineError());
    m.put("error_ratio", r.errorRatio());
    m.put("occupancy_psi", r.occupancyPsi());
    m.put("drifted", r.drifted());
    m.put("reason", r.reason());
    return m;
  }

  private static double[] std(FloatVectors x) {
    double[] mean = new double[x.dim()];
    double[] sq = new double[x.dim()];
    for (int i = 0; i < x.count(); i++) {
      for (int j = 0; j < x.dim(); j++) {
        double value = x.data()[x.offset(i) + j];
        mean[j] += value;
        sq[j] += value * value;
      }
    }
    double[] std = new double[x.dim()];
    for (int j = 0; j < x.dim(); j++) {
      double m = mean[j] / x.count();
      std[j] = Math.sqrt(Math.max(0, sq[j] / x.count() - m * m));
    }
    return std;
  }

  /** A standard normal draw (Box–Muller), from the seeded generator so replays repeat exactly. */
  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
