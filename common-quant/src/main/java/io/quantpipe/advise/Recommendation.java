package io.quantpipe.advise;

import java.util.Locale;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The strategy an advice recommends and why. When some candidates meet the recall target within
 * the memory and latency limits, it is the cheapest of them in memory (ties: higher recall, then
 * lower latency, then grid order). When none does, it is the closest one (the smallest largest
 * relative shortfall over recall, memory and latency), and the reason says what would have to give:
 * the memory the cheapest target-meeting strategy needs, the best recall within the limits, the
 * latency the fastest target-meeting strategy takes. Immutable.
 *
 * @param candidate the recommended candidate
 * @param meetsTargets whether it meets the recall target within every limit
 * @param reason one paragraph for the user
 */
public record Recommendation(AdviceCandidate candidate, boolean meetsTargets, String reason) {

  /** Cheapest first: memory, then recall (higher first), then latency. */
  static final Comparator<AdviceCandidate> CHEAPEST = Comparator
      .comparingLong((AdviceCandidate c) -> c.memory().memoryBytes())
      // At equal memory (a hybrid's oversample factors), fewer candidates to rescore: fewer reads of
      // the float vectors, the cost that latency on the sample understates when they are on disk.
      .thenComparingInt((AdviceCandidate c) -> c.spec().oversample())
      .thenComparingDouble(AdviceCandidate::latencyMs)
      .thenComparing(AdviceCandidate::recall, Comparator.reverseOrder());

  /** Chooses among {@code candidates} (not empty) under {@code o}'s target and limits. */
  public static Recommendation choose(List<AdviceCandidate> candidates, AdviseOptions o) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("No candidate was evaluated: nothing to recommend");
    }
    List<AdviceCandidate> meeting = candidates.stream().filter(c -> c.meetsAll(o)).sorted(CHEAPEST).toList();
    if (!meeting.isEmpty()) {
      AdviceCandidate best = meeting.get(0);
      String reason = String.format(Locale.ROOT, "%s is the cheapest in memory of the %d of %d evaluated strategies that reach %s: %s",
          best.spec().label(), meeting.size(), candidates.size(), limits(o), describe(best, o));
      Optional<AdviceCandidate> cheaper = candidates.stream().filter(c -> CHEAPEST.compare(c, best) < 0)
          .filter(c -> c.memory().memoryBytes() < best.memory().memoryBytes()).max(CHEAPEST);
      if (cheaper.isPresent()) {
        AdviceCandidate c = cheaper.get();
        reason += String.format(Locale.ROOT, ". The next cheaper strategy, %s (%.2f GB), misses: %s", c.spec().label(), c.memory().memoryGb(),
            c.verdict(o));
      }
      return new Recommendation(best, true, reason);
    }
    AdviceCandidate closest = candidates.stream()
        .min(Comparator.comparingDouble((AdviceCandidate c) -> c.shortfall(o)).thenComparing(CHEAPEST)).orElseThrow();
    List<String> gives = new ArrayList<>();
    candidates.stream().filter(c -> c.meetsRecall(o) && c.fitsLatency(o)).min(CHEAPEST).ifPresent(c -> gives.add(
        String.format(Locale.ROOT, "allow %.2f GB of memory (%s reaches recall@%d %.4f there)", c.memory().memoryGb(), c.spec().label(),
            o.k(), c.recall())));
    candidates.stream().filter(c -> c.fitsMemory(o) && c.fitsLatency(o))
        .max(Comparator.comparingDouble(AdviceCandidate::recall)).ifPresent(c -> gives.add(
            String.format(Locale.ROOT, "accept recall@%d %.4f (the best within the limits, %s)", o.k(), c.recall(), c.spec().label())));
    if (o.hasLatencyBudget()) {
      candidates.stream().filter(c -> c.meetsRecall(o) && c.fitsMemory(o))
          .min(Comparator.comparingDouble(AdviceCandidate::latencyMs)).ifPresent(c -> gives.add(
              String.format(Locale.ROOT, "allow %.3f ms per query (%s)", c.latencyMs(), c.spec().label())));
    }
    String reason = String.format(Locale.ROOT, "No evaluated strategy reaches %s. The closest is %s: %s; it misses by %s. To meet the target, %s",
        limits(o), closest.spec().label(), describe(closest, o), closest.verdict(o),
        gives.isEmpty() ? "more than one limit has to give: no strategy meets even two of them" : String.join(", or ", gives));
    return new Recommendation(closest, false, reason);
  }

  private static String limits(AdviseOptions o) {
    return String.format(Locale.ROOT, "recall@%d >= %s within %s GB", o.k(), AdviceCandidate.plain(o.targetRecall()),
        AdviceCandidate.plain(o.maxMemoryGb()))
        + (o.hasLatencyBudget() ? " and " + AdviceCandidate.plain(o.latencyBudgetMs()) + " ms per query" : "");
  }

  private static String describe(AdviceCandidate c, AdviseOptions o) {
    MemoryProjection m = c.memory();
    String where = m.rescoreBytes() == 0 ? ""
        : String.format(Locale.ROOT, ", float32 rescoring vectors %.2f GB %s", m.rescoreBytes() / 1e9,
            m.rescoreInMemory() ? "in memory" : "on disk, not counted");
    return String.format(Locale.ROOT, "%.2f GB in memory at %,d vectors (codes %.2f GB, graph %.2f GB, model %.1f MB%s), recall@%d %.4f "
        + "and %.3f ms per query on the sample", m.memoryGb(), m.vectors(), m.codeBytes() / 1e9, m.graphBytes() / 1e9,
        m.modelBytes() / 1e6, where, o.k(), c.recall(), c.latencyMs());
  }
}
