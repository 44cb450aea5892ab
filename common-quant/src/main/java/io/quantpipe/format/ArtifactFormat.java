package io.quantpipe.format;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.ProductQuantizer;

/**
 * The binary layout of a quantizer artifact ({@code .qpa}), one file per trained quantizer.
 *
 * <pre>
 * offset   type            field
 * 0        int32 BE        magic 0x51504152 ("QPAR" in a hex dump)
 * 4        uint8           quantizer kind ({@link io.quantpipe.quant.QuantizerKind#id()})
 * 5        uint8           format version ({@link #VERSION_CURRENT})
 * 6        uint8           similarity ({@link io.quantpipe.vector.Similarity#id()})
 * 7        uint8           reserved, 0
 * 8        int32 LE        dimension d
 * 12       int32 LE        P, length of the parameters text
 * 16       P bytes UTF-8   parameters as a JSON object (strategy name, training parameters); informational
 * 16+P     int64 LE        N, payload length
 * 24+P     N bytes         payload, little-endian, per kind:
 *            SCALAR            uint8 bits; float32[d] lower; float32[d] width
 *            BINARY            float32[d] centre (all zero for the sign variant)
 *            ASYMMETRIC_BINARY float32[d] mean; uint8 rotated; if rotated float32[d·d] rotation, row-major
 *            PRODUCT           int32 m; int32 ksub; float32[m·ksub·(d/m)] codebooks, subspace-major;
 *                              ksub is 256 in version 1, 16 or 256 in version 2
 *            OPTIMIZED_SCALAR  uint8 bits; float32 lambda; int32 iterations; float32[d] mean
 *            RABITQ            its own payload version (uint8, 1) then its fields: see
 *                              {@link io.quantpipe.quant.rabitq.RaBitQCodec}
 * 24+P+N   int32 LE        CRC32C of every preceding byte
 * </pre>
 *
 * <p>Readers accept versions {@code [VERSION_START, VERSION_CURRENT]}. Writers write the
 * <em>lowest</em> version that can hold the quantizer ({@link #versionFor}), so every artifact a
 * version-1 reader could read is still written as version 1, byte for byte. Version history:
 * <ul>
 *   <li>1: first version. The kind OPTIMIZED_SCALAR (id 6) was added later within version 1: it
 *       changes no existing layout, and a reader that predates it refuses it by its unknown kind id.
 *   <li>2: PRODUCT may have {@code ksub = 16} (4-bit PQ, codes packed two per byte). The layout is
 *       version 1's; the version changes because a version-1 reader would otherwise fail on the
 *       ksub field with a "malformed payload" instead of "written by a newer quantpipe".
 * </ul>
 */
public final class ArtifactFormat {
  public static final int MAGIC = 0x51504152;
  public static final int VERSION_START = 1;
  public static final int VERSION_CURRENT = 2;
  /** The first version that holds 4-bit PQ. */
  public static final int VERSION_PQ4 = 2;
  /** Bytes before the parameters text. */
  static final int FIXED_HEADER = 16;
  /** The conventional file extension. */
  public static final String EXTENSION = ".qpa";

  private ArtifactFormat() {}

  /** The version an artifact of {@code quantizer} is written as: 2 for 4-bit PQ, else 1. */
  public static int versionFor(Quantizer quantizer) {
    if (quantizer instanceof ProductQuantizer && ((ProductQuantizer) quantizer).ksub() != PqParams.KSUB) {
      return VERSION_PQ4;
    }
    return VERSION_START;
  }
}
