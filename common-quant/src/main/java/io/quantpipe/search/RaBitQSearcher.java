package io.quantpipe.search;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.quant.rabitq.RaBitQSignBlocks;
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
 * <p><b>Fast-scan 1-bit pass</b> (the default): the codes are held as {@link RaBitQSignBlocks}, and
 * a SIMD kernel over a byte-quantized table gives every block of 32 codes an upper bound of its
 * 1-bit estimate. Only codes whose bound reaches the current threshold are rebuilt and scored as
 * above, so the answers are the plain loop's ({@code fastScan = false}), while most codes cost a
 * share of one table lookup per four dimensions. Same memory as the codes.
 *
 * <p>Counts the float32 vectors, extra bit-planes and fast-scan candidates it reads
 * ({@link #floatReads()}, {@link #extraReads()}, {@link #oneBitCandidates()}, per
 * {@link #searches()}), for reports. Thread-safe.
 */
public final class RaBitQSearcher implements VectorSearcher {
  /** Blocks of 32 codes per kernel call: 2048 sums and bounds, 16 KB, in L1. */
  private static final int CHUNK = 64;
  private final EncodedVectors encoded;
  private final RaBitQSignBlocks signBlocks;
  private final RaBitQuantizer quantizer;
  private final FloatVectors floats;
  private final long modelBytes;
  private final float epsilon;
  private final LongAdder searches = new LongAdder();
  private final LongAdder extraReads = new LongAdder();
  private final LongAdder floatReads = new LongAdder();
  private final LongAdder oneBitCandidates = new LongAdder();

  /** A searcher with the fast-scan 1-bit pass; see {@link #RaBitQSearcher(EncodedVectors, ExactSearcher, long, float, boolean)}. */
  public RaBitQSearcher(EncodedVectors encoded, ExactSearcher exact, long modelBytes, float epsilon) {
    this(encoded, exact, modelBytes, epsilon, true);
  }

  /**
   * @param exact the float32 vectors to rescore with, or null to answer from the codes alone
   * @param modelBytes size of the quantizer artifact, counted in {@link #memoryBytes()}
   * @param epsilon the bounds' multiple of the estimator's standard deviation
   * @param fastScan whether to run the 1-bit pass over {@link RaBitQSignBlocks} rather than over
   *     the codes one at a time (same answers)
   */
  public RaBitQSearcher(EncodedVectors encoded, ExactSearcher exact, long modelBytes, float epsilon, boolean fastScan) {
    if (!(encoded.quantizer() instanceof RaBitQuantizer)) {
      throw new IllegalArgumentException("RaBitQSearcher needs RaBitQ codes; got " + encoded.quantizer().describe());
    }
    this.encoded = encoded;
    this.quantizer = (RaBitQuantizer) encoded.quantizer();
    this.signBlocks = fastScan ? RaBitQSignBlocks.of(encoded) : null;
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

  /** One search's handling of the codes the 1-bit pass hands it. */
  private interface Pass {
    /** The score below which a code's 1-bit upper bound excludes it now. */
    float threshold();

    void visit(int id, byte[] codes, int offset);
  }

  /**
   * Hands {@code pass} every code, or with the sign blocks every code whose fast-scan 1-bit upper
   * bound reaches the pass's threshold: those the plain loop would skip at once anyway.
   */
  private void scan(RaBitQueryScorer scorer, boolean withBound, Pass pass) {
    if (signBlocks == null) {
      byte[] codes = encoded.codes();
      int b = quantizer.codeBytes();
      for (int i = 0, off = 0; i < encoded.count(); i++, off += b) {
        pass.visit(i, codes, off);
      }
      return;
    }
    FastScanLut lut = scorer.signLut();
    byte[] code = new byte[quantizer.codeBytes()];
    int[] sums = new int[32 * CHUNK];
    float[] uppers = new float[32 * CHUNK];
    long candidates = 0;
    for (int block = 0; block < signBlocks.blocks(); block += CHUNK) {
      int blocks = Math.min(CHUNK, signBlocks.blocks() - block);
      signBlocks.oneBitUppers(scorer, lut, withBound, block, blocks, sums, uppers);
      int first = 32 * block;
      int end = Math.min(signBlocks.count() - first, 32 * blocks);
      for (int i = 0; i < end; i++) {
        if (uppers[i] >= pass.threshold()) {
          candidates++;
          signBlocks.code(first + i, code, 0);
          pass.visit(first + i, code, 0);
        }
      }
    }
    oneBitCandidates.add(candidates);
  }

  private SearchResult scanCodes(RaBitQueryScorer scorer, int k) {
    TopK top = new TopK(k);
    if (quantizer.bits() == 1) { // the sign bits are the whole code
      scan(scorer, false, new Pass() {
        @Override
        public float threshold() {
          return top.threshold();
        }

        @Override
        public void visit(int id, byte[] codes, int off) {
          top.offer(id, scorer.oneBitScore(codes, off, scorer.signSum(codes, off)));
        }
      });
      return top.drain();
    }
    long[] extra = {0};
    scan(scorer, true, new Pass() {
      @Override
      public float threshold() {
        return top.threshold();
      }

      @Override
      public void visit(int id, byte[] codes, int off) {
        float signs = scorer.signSum(codes, off);
        if (scorer.oneBitScore(codes, off, signs) + scorer.oneBitBound(codes, off) >= top.threshold()) {
          extra[0]++;
          top.offer(id, scorer.score(codes, off, signs));
        }
      }
    });
    extraReads.add(extra[0]);
    return top.drain();
  }

  /** Keeps the codes whose full bounds overlap the k-th best lower bound, with their upper bounds. */
  private static final class BoundedPass implements Pass {
    private final RaBitQueryScorer scorer;
    private final boolean oneBit;
    private final TopK lowers;
    long[] keyed = new long[64];
    float[] uppers = new float[64];
    int kept;
    long extra;

    BoundedPass(RaBitQueryScorer scorer, boolean oneBit, int k) {
      this.scorer = scorer;
      this.oneBit = oneBit;
      this.lowers = new TopK(k);
    }

    @Override
    public float threshold() {
      return lowers.threshold();
    }

    @Override
    public void visit(int id, byte[] codes, int off) {
      float signs = scorer.signSum(codes, off);
      float threshold = lowers.threshold();
      if (!oneBit && scorer.oneBitScore(codes, off, signs) + scorer.oneBitBound(codes, off) < threshold) {
        return;
      }
      extra += oneBit ? 0 : 1;
      float estimate = scorer.score(codes, off, signs);
      float bound = scorer.bound(codes, off);
      if (estimate + bound < threshold) {
        return;
      }
      lowers.offer(id, estimate - bound);
      if (kept == keyed.length) {
        keyed = Arrays.copyOf(keyed, 2 * kept);
        uppers = Arrays.copyOf(uppers, 2 * kept);
      }
      uppers[kept] = estimate + bound;
      keyed[kept++] = id;
    }
  }

  private SearchResult rescoreBounded(RaBitQueryScorer scorer, float[] query, int k) {
    int n = encoded.count();
    BoundedPass pass = new BoundedPass(scorer, quantizer.bits() == 1, Math.min(k, n));
    scan(scorer, true, pass);
    extraReads.add(pass.extra);
    long[] keyed = pass.keyed;
    float floor = pass.threshold();
    int survivors = 0;
    for (int c = 0; c < pass.kept; c++) { // sortable by upper bound, then ordinal
      if (pass.uppers[c] >= floor) {
        keyed[survivors++] = ((long) sortable(pass.uppers[c]) << 32) | keyed[c];
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

  /** Codes the fast-scan 1-bit pass did not exclude so far (0 without the pass). */
  public long oneBitCandidates() {
    return oneBitCandidates.sum();
  }

  /** Float32 vectors read for rescoring so far. */
  public long floatReads() {
    return floatReads.sum();
  }

  /** Codes and model; the float32 vectors of a rescoring search may stay on disk. */
  @Override
  public long memoryBytes() {
    return (signBlocks == null ? encoded.bytes() : signBlocks.bytes()) + modelBytes;
  }
}
