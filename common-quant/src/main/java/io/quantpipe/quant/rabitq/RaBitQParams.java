package io.quantpipe.quant.rabitq;

import java.util.Locale;

/**
 * How to train a {@link RaBitQuantizer}.
 *
 * @param bits bits per dimension B ∈ [1, 8]: one sign bit plus B − 1 extra bits
 * @param rounds rounds of the {@link HadamardRotation} (RaBitQ-Library uses 4)
 * @param scaleSearch how each vector's grid scale is chosen (irrelevant at one bit)
 * @param seed seeds the rotation's sign flips and the fixed scale's Gaussian probe vectors
 */
public record RaBitQParams(int bits, int rounds, ScaleSearch scaleSearch, long seed) {

  /** How the per-vector scale t of the B-bit grid is found (see {@link GridScale}). */
  public enum ScaleSearch {
    /**
     * The published exact search: every critical value of t in increasing order, keeping the t of
     * the best cosine between the code and the vector. O(d·2^B·log d) per vector.
     */
    EXACT((byte) 1),
    /**
     * RaBitQ-Library's "faster quantization": one scale per (d, B), the mean best scale of random
     * Gaussian vectors, computed once at training and stored in the artifact. O(d) per vector.
     */
    FIXED((byte) 2);

    private final byte id;

    ScaleSearch(byte id) {
      this.id = id;
    }

    /** The stable id written to artifacts. */
    public byte id() {
      return id;
    }

    /** The name written to manifests: {@code exact} or {@code fixed}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static ScaleSearch fromId(byte id) {
      for (ScaleSearch s : values()) {
        if (s.id == id) {
          return s;
        }
      }
      throw new IllegalArgumentException("Unknown RaBitQ scale search id " + id + "; expected 1 (exact) or 2 (fixed)");
    }
  }

  /** The scale search strategies train with: measured in RaBitQuantizerBenchmarkTest (docs/quantizers.md). */
  public static final ScaleSearch DEFAULT_SCALE_SEARCH = ScaleSearch.FIXED;

  public RaBitQParams {
    if (bits < 1 || bits > 8) {
      throw new IllegalArgumentException("RaBitQ supports 1 to 8 bits per dimension; bits=" + bits);
    }
    if (rounds < 1 || rounds > 64) {
      throw new IllegalArgumentException("RaBitQ rotation rounds must be in [1, 64]; rounds=" + rounds);
    }
    if (scaleSearch == null) {
      throw new IllegalArgumentException("RaBitQ needs a scale search (EXACT or FIXED)");
    }
  }

  /** B bits with the default rotation and scale search. */
  public static RaBitQParams defaults(int bits, long seed) {
    return new RaBitQParams(bits, HadamardRotation.DEFAULT_ROUNDS, DEFAULT_SCALE_SEARCH, seed);
  }
}
