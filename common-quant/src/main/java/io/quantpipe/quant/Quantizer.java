package io.quantpipe.quant;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;

/**
 * A trained quantizer: the model only. It turns a float vector into a fixed-size code and makes
 * {@link CodeScorer}s that rank codes against a float query without decoding them. Encoded data
 * lives in {@link EncodedVectors}; training lives in each implementation's static {@code train}.
 *
 * <p>Implementations are immutable and thread-safe. The same vector and the same quantizer give
 * the same code on every JVM (no platform-dependent maths on the encode path), which is what lets
 * Spark, Flink and plain Java produce identical codes.
 *
 * <p>For {@link Similarity#COSINE} the quantizer normalises vectors and queries itself.
 */
public interface Quantizer {

  QuantizerKind kind();

  /** The dimension of the vectors it encodes. */
  int dimension();

  /** The similarity it was trained for; scoring uses it. */
  Similarity similarity();

  /** Bytes per encoded vector, including any per-vector correction terms. */
  int codeBytes();

  /**
   * Encodes one vector of {@link #dimension()} finite floats into {@code dst[off, off + codeBytes())}.
   *
   * @throws IllegalArgumentException on a wrong dimension or a non-finite value
   */
  void encode(float[] vector, byte[] dst, int off);

  /** A scorer of codes against {@code query} (raw; prepared internally). */
  CodeScorer scorer(float[] query);

  /**
   * The vector a code stands for, in the space the quantizer scores (normalised for cosine). For
   * measuring reconstruction error, not for search.
   */
  float[] decode(byte[] codes, int off);

  /** A short human-readable description of the parameters, for tables and logs. */
  String describe();

  /**
   * Encodes {@code count} vectors of {@link #dimension()} finite floats, held row-major from
   * {@code vectors[offset]}, into consecutive codes from {@code dst[dstOff]}: the same bytes as
   * {@code count} {@link #encode} calls. The batch pipeline and the stream job hand over a block of
   * vectors at a time, so that a quantizer which can share work across vectors overrides this (PQ
   * scores a block of sub-vectors against each codebook while the codebook is in cache).
   *
   * @throws IllegalArgumentException when a value is not finite, naming the vector's index in the
   *     block and the dimension
   */
  default void encodeBlock(float[] vectors, int offset, int count, byte[] dst, int dstOff) {
    int dim = dimension();
    float[] row = new float[dim];
    for (int i = 0; i < count; i++) {
      System.arraycopy(vectors, offset + i * dim, row, 0, dim);
      try {
        encode(row, dst, dstOff + i * codeBytes());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Vector " + i + " of the block: " + e.getMessage(), e);
      }
    }
  }

  /** Encodes a whole batch, a block at a time ({@link #encodeBlock}). */
  default EncodedVectors encodeAll(FloatVectors vectors) {
    checkDimension(vectors.dim());
    byte[] codes = new byte[Math.multiplyExact(vectors.count(), codeBytes())];
    encodeBlock(vectors.data(), 0, vectors.count(), codes, 0);
    return new EncodedVectors(this, codes, vectors.count());
  }

  /**
   * The vector as encoders read it: checked for dimension and finiteness, then prepared for the
   * similarity (a normalised copy for cosine). Every {@link #encode} starts here, so each engine
   * rejects the same inputs with the same message.
   */
  default float[] prepareForEncoding(float[] vector) {
    checkDimension(vector.length);
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException("Cannot encode: dimension " + i + " is " + vector[i]);
      }
    }
    return similarity().prepare(vector);
  }

  /** Throws unless {@code dim} equals {@link #dimension()}. */
  default void checkDimension(int dim) {
    if (dim != dimension()) {
      throw new IllegalArgumentException(String.format(
          "Vector dimension %d does not match the %s quantizer's dimension %d", dim, kind(), dimension()));
    }
  }
}
