package io.quantpipe.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Chooses the search parameters a version is served with: every {@link Setting} of a grid is
 * measured on the held-out queries, and the cheapest one whose mean recall@k reaches the target
 * wins, as autofaiss tunes an index for a recall at the lowest query cost.
 *
 * <p>Cost is the bytes a query scores: graph nodes visited times the bytes scored per node (the
 * code, or the float32 vector for an unquantized graph), plus the float32 vectors rescored. It is
 * what a memory-bound search pays, and unlike a timing it is the same on every run, so the same
 * build always chooses the same parameters. The measured latency of each setting is recorded
 * beside it. Stateless.
 */
public final class SearchTuning {
  private static final int[] NPROBES = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
  private static final int[] EFS = {16, 24, 32, 48, 64, 96, 128, 192, 256};
  /**
   * Rescored searches also try wider beams and deeper rescoring: a code too coarse to order
   * near-ties (PQ on a dense corpus) leaves the ordering to the float32 rescoring, which then needs
   * a few hundred candidates to reach a high target.
   */
  private static final int[] RESCORING_EFS = {384, 512};
  private static final int[] OVERSAMPLES = {1, 2, 4, 8, 16, 32};

  /**
   * When no setting reaches the target, recall this close to the best is as good as the best: past
   * a code's ceiling, the last hundredth of recall can cost several times the work.
   */
  public static final double PLATEAU = 0.01;

  private SearchTuning() {}

  /** One point of the grid: the partitions probed, the graph's beam width and the rescoring factor. */
  public record Setting(int nprobe, int ef, int oversample) implements Serializable {}

  /**
   * A setting as measured on the held-out queries.
   *
   * @param bytesPerQuery mean bytes scored per query (the cost the choice minimises)
   * @param latencyMeanMs mean single-thread search time, milliseconds
   */
  public record Measured(Setting setting, int queries, double recallAt1, double recallAtK, double bytesPerQuery,
      double latencyP50Ms, double latencyP99Ms, double latencyMeanMs) implements Serializable {}

  /**
   * The outcome of a tuning run.
   *
   * @param reached whether {@code chosen} reaches {@code targetRecall}; when no setting does,
   *     {@code chosen} is the cheapest within {@link #PLATEAU} of the highest recall measured
   * @param frontier the settings no other beats on both recall and cost, cheapest first
   */
  public record Choice(double targetRecall, int k, boolean reached, Measured chosen, List<Measured> frontier,
      int settingsTried) implements Serializable {
    /** The manifest's {@code evaluation.tuning} object. */
    public ObjectNode toJson() {
      ObjectNode t = JsonNodeFactory.instance.objectNode();
      t.put("target_recall", targetRecall).put("reached", reached).put("settings_tried", settingsTried)
          .put("cost", "bytes scored per query");
      ArrayNode f = t.putArray("frontier");
      for (Measured m : frontier) {
        f.addObject().put("nprobe", m.setting().nprobe()).put("ef", m.setting().ef())
            .put("oversample", m.setting().oversample()).put("recall@" + k, m.recallAtK())
            .put("bytes_per_query", Math.round(m.bytesPerQuery())).put("latency_mean_ms", m.latencyMeanMs());
      }
      return t;
    }
  }

  /**
   * The grid searched for a target recall: probes up to {@code min(partitions, 64)} partitions,
   * beam widths from {@code k} to 256 and, when results are rescored with float32, beams up to 512
   * and oversampling 1 to 32. A setting whose beam is narrower than the {@code k·oversample} candidates it rescores is
   * left out: the searcher widens it to that anyway.
   */
  public static List<Setting> grid(int partitions, int k, boolean rescoring) {
    TreeSet<Integer> nprobes = new TreeSet<>();
    for (int n : NPROBES) {
      nprobes.add(Math.min(n, partitions));
    }
    TreeSet<Integer> efs = new TreeSet<>();
    efs.add(k);
    for (int ef : EFS) {
      if (ef >= k) {
        efs.add(ef);
      }
    }
    if (rescoring) {
      for (int ef : RESCORING_EFS) {
        efs.add(Math.max(ef, k));
      }
    }
    List<Setting> grid = new ArrayList<>();
    for (int nprobe : nprobes) {
      for (int ef : efs) {
        for (int oversample : rescoring ? OVERSAMPLES : new int[] {1}) {
          if (oversample == 1 || ef >= (long) k * oversample) {
            grid.add(new Setting(nprobe, ef, oversample));
          }
        }
      }
    }
    return grid;
  }

  /**
   * Summarises one setting from its per-query figures (index {@code q} is query {@code q}).
   *
   * @param nanos each query's search time in nanoseconds
   * @param bytes each query's bytes scored
   */
  public static Measured summarise(Setting setting, double[] recallAt1, double[] recallAtK, long[] nanos,
      long[] bytes) {
    int n = recallAtK.length;
    if (n == 0 || recallAt1.length != n || nanos.length != n || bytes.length != n) {
      throw new IllegalArgumentException("per-query figures of " + setting + " must have one entry per query, "
          + "for at least one query");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Measured(setting, n, Arrays.stream(recallAt1).average().orElse(0),
        Arrays.stream(recallAtK).average().orElse(0), Arrays.stream(bytes).average().orElse(0),
        sorted[(n - 1) / 2] / 1e6, sorted[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6,
        Arrays.stream(nanos).average().orElse(0) / 1e6);
  }

  /**
   * The cheapest setting whose recall@k reaches {@code targetRecall} (ties go to fewer partitions,
   * then the narrower beam, then less oversampling); if none does, the cheapest whose recall is
   * within {@link #PLATEAU} of the highest.
   */
  public static Choice choose(List<Measured> measured, double targetRecall, int k) {
    if (measured.isEmpty()) {
      throw new IllegalArgumentException("no settings were measured");
    }
    List<Measured> byCost = new ArrayList<>(measured);
    byCost.sort(CHEAPEST);
    Measured chosen = byCost.stream().filter(m -> m.recallAtK() >= targetRecall).findFirst().orElse(null);
    boolean reached = chosen != null;
    if (!reached) {
      double best = byCost.stream().mapToDouble(Measured::recallAtK).max().orElseThrow();
      chosen = byCost.stream().filter(m -> m.recallAtK() >= best - PLATEAU).findFirst().orElseThrow();
    }
    return new Choice(targetRecall, k, reached, chosen, frontier(byCost), measured.size());
  }

  private static final Comparator<Measured> CHEAPEST = Comparator.comparingDouble(Measured::bytesPerQuery)
      .thenComparingInt(m -> m.setting().nprobe()).thenComparingInt(m -> m.setting().ef())
      .thenComparingInt(m -> m.setting().oversample());

  /** The Pareto front of {@code byCost} (sorted cheapest first): each point beats every cheaper one's recall. */
  private static List<Measured> frontier(List<Measured> byCost) {
    List<Measured> front = new ArrayList<>();
    double best = -1;
    for (Measured m : byCost) {
      if (m.recallAtK() > best) {
        front.add(m);
        best = m.recallAtK();
      }
    }
    return List.copyOf(front);
  }
}
