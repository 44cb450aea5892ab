package io.quantpipe.quant.rabitq;

import io.quantpipe.vector.Similarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The payload of a {@link RaBitQuantizer} inside a quantizer artifact
 * ({@link io.quantpipe.format.ArtifactFormat}, kind RABITQ), which supplies the magic, the format
 * version and the checksum around it. The payload carries a version of its own, so the RaBitQ
 * fields can evolve without a new artifact version for every kind.
 *
 * <pre>
 * type            field
 * uint8           payload version (1)
 * uint8           bits B, 1 … 8
 * uint8           scale search ({@link RaBitQParams.ScaleSearch#id()}: 1 exact, 2 fixed)
 * uint8           rotation rounds R
 * int64 LE        rotation seed (informational: the flips below are what is applied)
 * float32 LE      fixed scale t (0 unless the fixed search above one bit)
 * float32[d] LE   mean μ
 * int64[⌈2·R·d/64⌉] LE rotation sign flips ({@link HadamardRotation#flipBits()})
 * </pre>
 * Version history: 1, first version. Stateless.
 */
public final class RaBitQCodec {
  /** The payload version written. */
  public static final int PAYLOAD_VERSION = 1;

  private RaBitQCodec() {}

  /** The payload bytes of {@code q}. */
  public static byte[] payload(RaBitQuantizer q) {
    int d = q.dimension();
    long[] flips = q.rotation().flipBits();
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(16L + 4L * d + 8L * flips.length)).order(ByteOrder.LITTLE_ENDIAN);
    buf.put((byte) PAYLOAD_VERSION);
    buf.put((byte) q.bits());
    buf.put(q.scaleSearch().id());
    buf.put((byte) q.rotation().rounds());
    buf.putLong(q.rotation().seed());
    buf.putFloat(q.fixedScale());
    for (float m : q.mean()) {
      buf.putFloat(m);
    }
    for (long w : flips) {
      buf.putLong(w);
    }
    return buf.array();
  }

  /**
   * Reads a payload written by {@link #payload}, positioned at its first byte of a little-endian
   * buffer; leaves the buffer after it.
   *
   * @throws IllegalArgumentException naming the field on an unknown version or a bad value
   */
  public static RaBitQuantizer read(Similarity similarity, int dim, ByteBuffer buf) {
    int version = buf.get() & 0xFF;
    if (version != PAYLOAD_VERSION) {
      throw new IllegalArgumentException(String.format(
          "RaBitQ payload version %d is not supported: this reader reads version %d%s", version, PAYLOAD_VERSION,
          version > PAYLOAD_VERSION ? " (written by a newer quantpipe: upgrade to read it)" : ""));
    }
    int bits = buf.get();
    RaBitQParams.ScaleSearch search = RaBitQParams.ScaleSearch.fromId(buf.get());
    int rounds = buf.get();
    long seed = buf.getLong();
    float scale = buf.getFloat();
    if (rounds < 1 || (long) 4 * dim > buf.remaining()) {
      throw new IllegalArgumentException("RaBitQ rounds " + rounds + " or a mean of dimension " + dim
          + " do not fit the " + buf.remaining() + " bytes left");
    }
    float[] mean = new float[dim];
    for (int i = 0; i < dim; i++) {
      mean[i] = buf.getFloat();
    }
    int words = HadamardRotation.words(dim, rounds);
    if ((long) 8 * words > buf.remaining()) {
      throw new IllegalArgumentException("RaBitQ rotation of " + words + " flip words does not fit the "
          + buf.remaining() + " bytes left");
    }
    long[] flips = new long[words];
    for (int w = 0; w < words; w++) {
      flips[w] = buf.getLong();
    }
    return new RaBitQuantizer(similarity, mean, new HadamardRotation(dim, rounds, seed, flips), bits, search, scale);
  }
}
