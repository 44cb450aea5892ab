package io.quantpipe.format;

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
 *            PRODUCT           int32 m; int32 ksub (256); float32[m·256·(d/m)] codebooks, subspace-major
 *            OPTIMIZED_SCALAR  uint8 bits; float32 lambda; int32 iterations; float32[d] mean
 *            RABITQ            its own payload version (uint8, 1) then its fields: see
 *                              {@link io.quantpipe.quant.rabitq.RaBitQCodec}
 * 24+P+N   int32 LE        CRC32C of every preceding byte
 * </pre>
 *
 * <p>Readers accept versions {@code [VERSION_START, VERSION_CURRENT]}; writers write only the
 * current version. Version history:
 * <ul>
 *   <li>1: first version. The kind OPTIMIZED_SCALAR (id 6) was added later within version 1: it
 *       changes no existing layout, and a reader that predates it refuses it by its unknown kind id.
 * </ul>
 */
public final class ArtifactFormat {
  public static final int MAGIC = 0x51504152;
  public static final int VERSION_START = 1;
  public static final int VERSION_CURRENT = 1;
  /** Bytes before the parameters text. */
  static final int FIXED_HEADER = 16;
  /** The conventional file extension. */
  public static final String EXTENSION = ".qpa";

  private ArtifactFormat() {}
}
