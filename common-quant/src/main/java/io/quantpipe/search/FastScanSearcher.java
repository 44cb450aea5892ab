package io.quantpipe.search;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.pq.DistanceTable;
import io.quantpipe.quant.fastscan.FastScanCodes;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.VectorUtil;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brute-force search over 4-bit PQ codes with the fast-scan kernel, returning exactly what the
 * plain ADC scan ({@link QuantizedSearcher} over the same codes) returns.
 *
 * <p>Per query: (1) the exact float table ({@link DistanceTable}) and its byte-quantized copy
 * ({@link FastScanLut}); (2) {@link VectorUtil#fastScan} over {@link FastScanCodes} gives every
 * code a 16-bit quantized cost, of which the {@code k} smallest are tracked; (3) every code whose
 * quantized cost lies within {@link FastScanLut#marginUnits()} of the k-th smallest is a candidate,
 * because the quantization error bound says no other code can beat it exactly; (4) the candidates
 * are re-ranked with the exact table. The candidate list is therefore not a fixed {@code c·k}: it
 * is as long as the bound requires (tens to a few hundred codes per query on the bundled data,
 * {@link #candidatesPerSearch()}), and the top k equal the plain scan's, ties included (both rank
 * equal scores by the lower ordinal).
 *
 * <p>Holds only the fast-scan copy of the codes (a candidate's packed code is rebuilt from it).
 * Immutable apart from its counters; queries may run from many threads at once.
 */
public final class FastScanSearcher implements VectorSearcher {
  /** Blocks of 32 codes scanned per kernel call: 2048 sums, 8 KB, in L1. */
  private static final int CHUNK = 64;
  private final ProductQuantizer pq;
  private final FastScanCodes codes;
  private final long modelBytes;
  private final AtomicLong searches = new AtomicLong();
  private final AtomicLong candidates = new AtomicLong();

  /** @param modelBytes size of the quantizer artifact, counted in {@link #memoryBytes()} */
  public FastScanSearcher(EncodedVectors encoded, long modelBytes) {
    this.codes = FastScanCodes.of(encoded); // checks the codes are 4-bit PQ
    this.pq = (ProductQuantizer) encoded.quantizer();
    this.modelBytes = modelBytes;
  }

  @Override
  public SearchResult search(float[] query, int k) {
    int n = codes.count();
    if (n == 0) {
      return new SearchResult(new int[0], new float[0]);
    }
    k = Math.min(k, n);
    DistanceTable exact = (DistanceTable) pq.scorer(query);
    FastScanLut lut = FastScanLut.quantize(exact.subspaceTable(), exact.negated());
    int m = codes.m();
    int margin = lut.marginUnits();
    TopK approx = new TopK(k); // score −qsum: keeps the k smallest quantized costs
    int[] sums = new int[32 * CHUNK];
    int[] ids = new int[64];
    int[] idSums = new int[64];
    int found = 0;
    for (int block = 0; block < codes.blocks(); block += CHUNK) {
      int blocks = Math.min(CHUNK, codes.blocks() - block);
      VectorUtil.fastScan(lut.table(), codes.data(), 16 * m * block, m, blocks, sums);
      int first = 32 * block;
      int end = Math.min(n - first, 32 * blocks);
      float threshold = approx.threshold();
      long limit = limit(threshold, margin);
      for (int i = 0; i < end; i++) {
        int s = sums[i];
        if (s > limit) {
          continue;
        }
        if (-s >= threshold) {
          approx.offer(first + i, -s);
          threshold = approx.threshold();
          limit = limit(threshold, margin);
        }
        if (found == ids.length) {
          ids = Arrays.copyOf(ids, 2 * found);
          idSums = Arrays.copyOf(idSums, 2 * found);
        }
        ids[found] = first + i;
        idSums[found++] = s;
      }
    }
    long limit = limit(approx.threshold(), margin);
    TopK top = new TopK(k);
    byte[] code = new byte[pq.codeBytes()];
    int rescored = 0;
    for (int c = 0; c < found; c++) {
      if (idSums[c] <= limit) {
        codes.packedCode(ids[c], code, 0);
        top.offer(ids[c], exact.score(code, 0));
        rescored++;
      }
    }
    searches.incrementAndGet();
    candidates.addAndGet(rescored);
    return top.drain();
  }

  /** The largest quantized cost still worth keeping: the k-th smallest plus the margin, or all while fewer than k. */
  private static long limit(float threshold, int margin) {
    return threshold == Float.NEGATIVE_INFINITY ? Long.MAX_VALUE : (long) -threshold + margin;
  }

  /** Codes re-ranked with the exact table per search so far, on average. */
  public double candidatesPerSearch() {
    long s = searches.get();
    return s == 0 ? 0 : (double) candidates.get() / s;
  }

  @Override
  public long memoryBytes() {
    return codes.bytes() + modelBytes;
  }
}
