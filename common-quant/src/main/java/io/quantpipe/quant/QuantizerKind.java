package io.quantpipe.quant;

/**
 * The families of quantizer, persisted by their stable {@link #id()} (never the ordinal) in
 * artifact headers.
 */
public enum QuantizerKind {
  /** Per-dimension uniform scalar quantization at 8, 4 or 2 bits. */
  SCALAR((byte) 1),
  /** One bit per dimension, compared by Hamming distance (sign or centred). */
  BINARY((byte) 2),
  /** One bit per dimension of the centred vector plus per-vector corrections, scored against a float query. */
  ASYMMETRIC_BINARY((byte) 3),
  /** Product quantization: M subspaces × 256 centroids, one byte per subspace. */
  PRODUCT((byte) 4),
  /** Multi-bit RaBitQ: B bits per dimension of the centred, rotated vector plus per-vector factors and error bounds. */
  RABITQ((byte) 5),
  /**
   * Uniform scalar quantization at 8, 4, 2 or 1 bits of the centred vector on an interval chosen per
   * vector by an anisotropic loss, plus per-vector corrections.
   */
  OPTIMIZED_SCALAR((byte) 6);

  private final byte id;

  QuantizerKind(byte id) {
    this.id = id;
  }

  public byte id() {
    return id;
  }

  public static QuantizerKind fromId(byte id) {
    for (QuantizerKind k : values()) {
      if (k.id == id) {
        return k;
      }
    }
    throw new IllegalArgumentException("Unknown quantizer kind id " + id);
  }
}
