package io.quantpipe.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A precision/memory trade-off a user picks by name: {@code none} (float32), {@code sq8},
 * {@code sq4}, {@code sq2}, {@code bq}, {@code bq-centred}, {@code bq-asym}, {@code pq}, {@code pq4} (4-bit
 * PQ, 16 centroids per subspace, searched by the fast-scan kernel), {@code osq8},
 * {@code osq4}, {@code osq2}, {@code osq1} (optimized scalar quantization: a per-vector interval, see
 * {@code OptimizedScalarQuantizer}), {@code rabitq-<B>} (B = 1 … 8 bits per dimension), or
 * {@code hybrid-<q>}: search the codes of {@code q} for an oversampled candidate list, then rescore
 * it with the float32 vectors ({@code hybrid-rabitq-<B>} rescores only the candidates its error
 * bounds cannot exclude).
 *
 * <p>{@code hybrid-bq} ranks its candidates with the {@code bq-asym} estimator: the stored bits are
 * the same one bit per dimension, the estimator only orders them better before rescoring (use
 * {@code hybrid-bq-sign} for Hamming-ranked candidates).
 *
 * @param name the name as the user wrote it (normalised to lower case), reported as {@code method}
 * @param base the quantizer family that encodes the vectors
 * @param hybrid whether candidates are rescored with float32 vectors
 * @param bits bits per dimension of {@link Base#RABITQ}, 0 for every other base
 */
public record Strategy(String name, Base base, boolean hybrid, int bits) {

  /** The encodings. */
  public enum Base {
    NONE("none"), SQ8("sq8"), SQ4("sq4"), SQ2("sq2"), BQ("bq"), BQ_CENTRED("bq-centred"), BQ_ASYM("bq-asym"), PQ("pq"),
    /** 4-bit product quantization: as many subspaces as {@link #PQ}, half the bytes. */
    PQ4("pq4"),
    OSQ8("osq8"), OSQ4("osq4"), OSQ2("osq2"), OSQ1("osq1"),
    /** Multi-bit RaBitQ; the strategy's {@link Strategy#bits()} says how many bits. */
    RABITQ("rabitq");

    private final String cliName;

    Base(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }
  }

  private static final String HYBRID = "hybrid-";
  private static final String RABITQ_PREFIX = "rabitq-";

  public Strategy {
    if ((base == Base.RABITQ) != (bits != 0) || bits < 0 || bits > 8) {
      throw new IllegalArgumentException("Strategy " + name + ": bits=" + bits + " fits only rabitq, at 1 to 8");
    }
  }

  /** Parses one strategy name. */
  public static Strategy parse(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    boolean hybrid = name.startsWith(HYBRID);
    String baseName = hybrid ? name.substring(HYBRID.length()) : name;
    if (hybrid && baseName.equals("bq")) {
      return new Strategy(name, Base.BQ_ASYM, true, 0);
    }
    if (hybrid && baseName.equals("bq-sign")) {
      return new Strategy(name, Base.BQ, true, 0);
    }
    if (baseName.startsWith(RABITQ_PREFIX)) {
      return new Strategy(name, Base.RABITQ, hybrid, rabitqBits(text, baseName.substring(RABITQ_PREFIX.length())));
    }
    for (Base b : Base.values()) {
      if (b.cliName.equals(baseName) && !(hybrid && b == Base.NONE) && b != Base.RABITQ) {
        return new Strategy(name, b, hybrid, 0);
      }
    }
    throw new IllegalArgumentException("Unknown strategy '" + text + "'; expected none, sq8, sq4, sq2, bq, bq-centred, "
        + "bq-asym, pq, pq4, osq8, osq4, osq2, osq1, rabitq-<1..8>, or hybrid-<one of those but none> (hybrid-bq rescoring bq-asym candidates, "
        + "hybrid-bq-sign Hamming ones)");
  }

  private static int rabitqBits(String text, String digits) {
    int bits = digits.length() == 1 && Character.isDigit(digits.charAt(0)) ? digits.charAt(0) - '0' : -1;
    if (bits < 1 || bits > 8) {
      throw new IllegalArgumentException("Unknown strategy '" + text + "': rabitq takes 1 to 8 bits per dimension, "
          + "as rabitq-1 … rabitq-8; got '" + digits + "'");
    }
    return bits;
  }

  /** Parses a comma-separated list, keeping order and refusing duplicates. */
  public static List<Strategy> parseList(String text) {
    List<Strategy> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Strategy s = parse(part);
      if (out.stream().anyMatch(o -> o.name.equals(s.name))) {
        throw new IllegalArgumentException("Strategy '" + s.name + "' is listed twice");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("No strategy given; expected a comma-separated list such as sq8,pq,hybrid-bq");
    }
    return out;
  }

  /** Whether the base is product quantization ({@code pq} or {@code pq4}), trained by Lloyd passes over the data. */
  public boolean productQuantized() {
    return base == Base.PQ || base == Base.PQ4;
  }

  /** The reference_ann.py method this row joins with (flat, sq8, sq8_rescore, bq_rescore, ...). */
  public String referenceMethod() {
    String family;
    switch (base) {
      case NONE:
        return "flat";
      case RABITQ:
        family = "rabitq" + bits;
        break;
      case BQ:
      case BQ_CENTRED:
      case BQ_ASYM:
        family = "bq";
        break;
      default:
        family = base.cliName;
    }
    return hybrid ? family + "_rescore" : family;
  }
}
