package io.quantpipe.search;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Brute-force search over {@link RaBitQuantizer} codes that reads each code only as far as its
 * error bounds require (RaBitQ's incremental scoring), and, given the float32 vectors, rescores
 * only the candidates the bounds cannot exclude instead of a fixed oversampled list.
 *
 * <ul>
 *   <li><b>Codes only</b> ({@code exact == null}): every code's sign bits give a 1-bit estimate and
 *       bound; its extra bit-planes are read only when the 1-bit upper bound reaches the current
 *       k-th best full estimate. The answer is the top k by full B-bit estimate.
 *   <li><b>Bound-driven rescoring</b>: the same pass keeps the codes whose full upper bound reaches
 *       the k-th best full lower bound (with the bounds holding, nothing else can be in the true
 *       top k). Those are rescored with float32 vectors in decreasing order of upper bound, until
 *       the next upper bound is below the k-th best exact score.
 * </ul>
 * With the default 2.6σ bounds ({@link RaBitQueryScorer#DEFAULT_EPSILON}) a bound fails for about
 * 1% of pairs, so either pass can lose a true neighbour that a bound understated, rarely.
 *
 * <p>Counts the float32 vectors and extra bit-planes it reads ({@link #floatReads()},
 * {@link #extraReads()}, per {@link #searches()}), for reports. Thread-safe.
 */
public final class RaBitQSearcher implements VectorSearcher {
  private final EncodedVectors encoded;
  private final RaBitQuantizer quantizer;
  private final FloatVectors floats;
  private final long modelBytes;
  private final float epsilon;
  private final LongAdder searches = new LongAdder();
  private final LongAdder extraReads = new LongAdder();
  private final LongAdder floatReads = new LongAdder();

  /**
   * @param exact the float32 vectors to rescore with, or null to answer from the codes alone
   * @param modelBytes size of the quantizer artifact, counted in {@link #memoryBytes()}
   * @param epsilon the bounds' multiple of the estimator's standard deviation
   */
  public RaBitQSearcher(EncodedVectors encoded, ExactSearcher exact, long modelBytes, float epsilon) {
    if (!(encoded.quantizer() instanceof RaBitQuantizer)) {
      throw new IllegalArgumentException("RaBitQSearcher needs RaBitQ codes; got " + encoded.quantizer().describe());
    }
    this.encoded = encoded;
    this.quantizer = (RaBitQuantizer) encoded.quantizer();
    this.floats = exact == null ? null : exact.vectors();
    this.modelBytes = modelBytes;
    this.epsilon = epsilon;
  }

  @Override
  public SearchResult search(float[] query, int k) {
    searches.increment();
    RaBitQueryScorer scorer = quantizer.scorer(query, epsilon);
    return floats == null ? scanCodes(scorer, Math.min(k, encoded.count())) : rescoreBounded(scorer, query, k);
  }

  private SearchResult scanCodes(RaBitQueryScorer scorer, int k) {
    byte[] codes = encoded.codes();
    int b = quantizer.codeBytes();
    TopK top = new TopK(k);
    if (quantizer.bits() == 1) { // the sign bits are the whole code
      for (int i = 0, off = 0; i < encoded.count(); i++, off += b) {
        top.offer(i, scorer.oneBitScore(codes, off, scorer.signSum(codes, off)));
      }
      return top.drain();
    }
    long extra = 0;
    for (int i = 0, off = 0; i < encoded.count(); i++, off += b) {
      float signs = scorer.signSum(codes, off);
      float threshold = top.threshold();
      if (scorer.oneBitScore(codes, off, signs) + scorer.oneBitBound(codes, off) < threshold) {
        continue;
      }
      extra++;
      top.offer(i, scorer.score(codes, off, signs));
    }
    extraReads.add(extra);
    return top.drain();
  }

  private SearchResult rescoreBounded(RaBitQueryScorer scorer, float[] query, int k) {
    byte[] codes = encoded.codes();
    int b = quantizer.codeBytes();
    int n = encoded.count();
    TopK lowers = new TopK(Math.min(k, n));
    long[] keyed = new long[Math.min(n, 64)];
    float[] uppers = new float[keyed.length];
    int kept = 0;
    long extra = 0;
    boolean oneBit = quantizer.bits() == 1;
    for (int i = 0, off = 0; i < n; i++, off += b) {
      float signs = scorer.signSum(codes, off);
      float threshold = lowers.threshold();
      if (!oneBit && scorer.oneBitScore(codes, off, signs) + scorer.oneBitBound(codes, off) < threshold) {
        continue;
      }
      extra += oneBit ? 0 : 1;
      float estimate = scorer.score(codes, off, signs);
      float bound = scorer.bound(codes, off);
      if (estimate + bound < threshold) {
        continue;
      }
      lowers.offer(i, estimate - bound);
      if (kept == keyed.length) {
        keyed = Arrays.copyOf(keyed, 2 * kept);
        uppers = Arrays.copyOf(uppers, 2 * kept);
      }
      uppers[kept] = estimate + bound;
      keyed[kept++] = i;
    }
    extraReads.add(extra);
    float floor = lowers.threshold();
    int survivors = 0;
    for (int c = 0; c < kept; c++) { // sortable by upper bound, then ordinal
      if (uppers[c] >= floor) {
        keyed[survivors++] = ((long) sortable(uppers[c]) << 32) | keyed[c];
      }
    }
    Arrays.sort(keyed, 0, survivors);
    Similarity kernel = quantizer.similarity().kernel();
    float[] q = quantizer.similarity().prepare(query);
    int dim = floats.dim();
    TopK top = new TopK(Math.max(1, Math.min(k, survivors)));
    long reads = 0;
    for (int c = survivors - 1; c >= 0; c--) {
      if (unsortable((int) (keyed[c] >> 32)) < top.threshold()) {
        break; // every later candidate's upper bound is lower still
      }
      int id = (int) keyed[c];
      reads++;
      top.offer(id, kernel.score(q, 0, floats.data(), id * dim, dim));
    }
    floatReads.add(reads);
    return top.drain();
  }

  /** A float as an int whose signed order is the float's order. */
  private static int sortable(float f) {
    int bits = Float.floatToIntBits(f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  private static float unsortable(int s) {
    return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
  }

  public EncodedVectors encoded() {
    return encoded;
  }

  /** Searches answered so far. */
  public long searches() {
    return searches.sum();
  }

  /** Codes whose extra bit-planes were read so far. */
  public long extraReads() {
    return extraReads.sum();
  }

  /** Float32 vectors read for rescoring so far. */
  public long floatReads() {
    return floatReads.sum();
  }

  /** Codes and model; the float32 vectors of a rescoring search may stay on disk. */
  @Override
  public long memoryBytes() {
    return encoded.bytes() + modelBytes;
  }
}
