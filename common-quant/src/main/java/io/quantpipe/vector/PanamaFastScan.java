package io.quantpipe.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 4-bit PQ fast scan on the Vector API, after André, Kermarrec &amp; Le Scouarnec (2015) and
 * FAISS's {@code pq4_fast_scan}: a subspace's 16 quantized table entries fit one 128-bit register,
 * so a byte shuffle ({@code pshufb}, here {@link ByteVector#rearrange}) looks up 16 codes at once
 * instead of 16 loads. Per subspace, one 16-byte load holds 32 nibble codes; the two shuffles give
 * 32 one-byte partial sums, which are added in 16-bit lanes by viewing each shuffle result as 8
 * shorts and splitting even bytes ({@code & 0xFF}) from odd ones ({@code >>> 8}), the split the
 * code layout ({@link VectorOps#fastScan}) is arranged for, so the four accumulators hold vectors
 * 0–7, 8–15, 16–23 and 24–31 in order and need no shuffle on the way out.
 *
 * <p>The species is 128 bits on purpose: a 256-bit byte shuffle in the Vector API is a
 * cross-lane 32-entry permutation, which AVX2 has no single instruction for. Integer sums, so
 * results equal {@link ScalarVectorOps#fastScan} exactly. Stateless and thread-safe.
 */
final class PanamaFastScan {
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

  private PanamaFastScan() {}

  static void scan(byte[] lut, byte[] codes, int off, int m, int blocks, int[] out) {
    ByteVector low = ByteVector.broadcast(B, (byte) 0x0F);
    for (int b = 0; b < blocks; b++) {
      ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      int base = off + 16 * m * b;
      for (int j = 0; j < m; j++) {
        ByteVector table = ByteVector.fromArray(B, lut, 16 * j);
        ByteVector c = ByteVector.fromArray(B, codes, base + 16 * j);
        ShortVector lo = c.and(low).selectFrom(table).reinterpretAsShorts();
        ShortVector hi = c.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsShorts();
        a0 = a0.add(lo.and((short) 0xFF));
        a1 = a1.add(lo.lanewise(VectorOperators.LSHR, 8));
        a2 = a2.add(hi.and((short) 0xFF));
        a3 = a3.add(hi.lanewise(VectorOperators.LSHR, 8));
      }
      int o = 32 * b;
      store(a0, out, o);
      store(a1, out, o + 8);
      store(a2, out, o + 16);
      store(a3, out, o + 24);
    }
  }

  /** Eight unsigned 16-bit sums widened to ints. */
  private static void store(ShortVector acc, int[] out, int at) {
    ((IntVector) acc.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF).intoArray(out, at);
  }
}
