package io.quantpipe.hnsw.buildcodes;

/**
 * Vectors encoded by a {@link BuildQuantizer}: {@code count × d} unsigned codes, one byte per
 * dimension, row-major, and each vector's correction term. Held only while a graph is linked (a
 * quarter of the float vectors' bytes, which is where a quantized build's speed comes from), never
 * written. Immutable after construction; thread-safe.
 */
public final class BuildCodes {
  private final BuildQuantizer quantizer;
  private final byte[] codes;
  private final float[] corrections;

  BuildCodes(BuildQuantizer quantizer, byte[] codes, float[] corrections) {
    if ((long) corrections.length * quantizer.dimension() != codes.length) {
      throw new IllegalArgumentException(String.format("%d code bytes for %d vectors of dimension %d",
          codes.length, corrections.length, quantizer.dimension()));
    }
    this.quantizer = quantizer;
    this.codes = codes;
    this.corrections = corrections;
  }

  public BuildQuantizer quantizer() {
    return quantizer;
  }

  public int count() {
    return corrections.length;
  }

  /** The codes, row-major; the caller must not modify them. */
  byte[] codes() {
    return codes;
  }

  /** The corrections by ordinal; the caller must not modify them. */
  float[] corrections() {
    return corrections;
  }

  /** A copy of the code of {@code ordinal}, for tests and reports. */
  public byte[] code(int ordinal) {
    int d = quantizer.dimension();
    return java.util.Arrays.copyOfRange(codes, ordinal * d, ordinal * d + d);
  }

  public float correction(int ordinal) {
    return corrections[ordinal];
  }

  /** Heap bytes of the codes and corrections. */
  public long bytes() {
    return codes.length + 4L * corrections.length;
  }
}
