package io.quantpipe.advise;

import io.quantpipe.strategy.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of the advice grid: a strategy with its PQ subspace count (PQ strategies) and its
 * oversample factor (hybrids). {@link #params()} gives them as {@code bin/quantpipe evaluate}'s
 * options, so a candidate is re-measured by passing them back. Immutable.
 *
 * @param strategy the strategy
 * @param pqM PQ subspaces, 0 when not PQ
 * @param oversample hybrid candidates = k × oversample, 0 when not a hybrid
 */
public record CandidateSpec(Strategy strategy, int pqM, int oversample) {

  /** The grid: every strategy, PQ ones for each M that divides {@code dim}, hybrids for each oversample. */
  public static List<CandidateSpec> grid(int dim, AdviseOptions options) {
    List<Integer> ms = pqMs(dim, options.pqMs());
    List<CandidateSpec> out = new ArrayList<>();
    for (Strategy s : options.strategies()) {
      List<Integer> mList = s.productQuantized() ? ms : List.of(0);
      List<Integer> oList = s.hybrid() ? options.oversamples() : List.of(0);
      for (int m : mList) {
        for (int o : oList) {
          out.add(new CandidateSpec(s, m, o));
        }
      }
    }
    return out;
  }

  /**
   * The PQ subspace counts to try: those requested (each must divide {@code dim}), or the largest
   * divisors of {@code dim} at or below d/16, d/8 and d/4, without repeats.
   */
  static List<Integer> pqMs(int dim, List<Integer> requested) {
    List<Integer> out = new ArrayList<>();
    if (!requested.isEmpty()) {
      for (int m : requested) {
        if (dim % m != 0) {
          throw new IllegalArgumentException("--pq-m-grid value " + m + " does not divide the dimension " + dim);
        }
        if (!out.contains(m)) {
          out.add(m);
        }
      }
      return out;
    }
    for (int per : new int[] {16, 8, 4}) {
      int m = Math.max(1, dim / per);
      while (m > 1 && dim % m != 0) {
        m--;
      }
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The options {@code bin/quantpipe evaluate} takes to measure this candidate: {@code pq-m}, {@code oversample}. */
  public Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    if (pqM > 0) {
      p.put("pq-m", pqM);
    }
    if (oversample > 0) {
      p.put("oversample", oversample);
    }
    return p;
  }

  /** A short label: {@code hybrid-pq M=48 x8}. */
  public String label() {
    StringBuilder b = new StringBuilder(strategy.name());
    if (pqM > 0) {
      b.append(" M=").append(pqM);
    }
    if (oversample > 0) {
      b.append(" x").append(oversample);
    }
    return b.toString();
  }
}
