package io.quantpipe.quant.binary;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One bit per dimension: bit {@code i} is set when {@code x_i − μ_i > 0}, with {@code μ = 0} for the
 * sign variant ({@code bq}) or the corpus mean learned at calibration for the centred variant
 * ({@code bq-centred}). Codes are packed into 64-bit words, dimension {@code 64w + i} at bit
 * {@code i} of word {@code w}, stored little-endian; codes are scored by negated Hamming distance
 * ({@code Long.bitCount} of the XOR), the same ranking as FAISS's {@code IndexBinaryFlat}.
 *
 * <p>{@code ceil(d/64)·8} bytes per vector. Immutable and thread-safe.
 */
public final class BinaryQuantizer implements Quantizer {
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Similarity similarity;
  private final float[] centre;
  private final boolean centred;
  private final int words;

  /**
   * @param centre the point subtracted before taking signs; all zeros for the sign variant
   */
  public BinaryQuantizer(Similarity similarity, float[] centre) {
    if (centre.length == 0) {
      throw new IllegalArgumentException("Binary quantization needs a positive dimension");
    }
    this.similarity = similarity;
    this.centre = centre.clone();
    boolean anyNonZero = false;
    for (float c : centre) {
      if (!Float.isFinite(c)) {
        throw new IllegalArgumentException("Binary quantization centre must be finite; found " + c);
      }
      anyNonZero |= c != 0;
    }
    this.centred = anyNonZero;
    this.words = (centre.length + 63) / 64;
  }

  /** The sign variant: no training needed beyond the dimension. */
  public static BinaryQuantizer sign(int dim, Similarity similarity) {
    return new BinaryQuantizer(similarity, new float[dim]);
  }

  /** The centred variant from statistics of prepared vectors (normalised for cosine). */
  public static BinaryQuantizer centred(CorpusStatistics stats, Similarity similarity) {
    return new BinaryQuantizer(similarity, stats.mean());
  }

  /** The centred variant, with the mean of a whole batch. */
  public static BinaryQuantizer centred(FloatVectors vectors, Similarity similarity) {
    return centred(CorpusStatistics.of(vectors.prepared(similarity), 1, 0), similarity);
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.BINARY;
  }

  @Override
  public int dimension() {
    return centre.length;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  /** Whether a non-zero centre is subtracted (bq-centred) rather than plain signs (bq). */
  public boolean isCentred() {
    return centred;
  }

  /** The centre subtracted before taking signs (a copy). */
  public float[] centre() {
    return centre.clone();
  }

  @Override
  public int codeBytes() {
    return 8 * words;
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    long[] packed = pack(vector);
    for (int w = 0; w < words; w++) {
      LONG.set(dst, off + 8 * w, packed[w]);
    }
  }

  /** The bits of a (raw) vector as words, the form queries take. */
  long[] pack(float[] vector) {
    float[] v = prepareForEncoding(vector);
    long[] packed = new long[words];
    for (int i = 0; i < v.length; i++) {
      if (v[i] - centre[i] > 0) {
        packed[i >> 6] |= 1L << (i & 63);
      }
    }
    return packed;
  }

  @Override
  public CodeScorer scorer(float[] query) {
    long[] q = pack(query);
    return new CodeScorer() {
      private int[] distances = new int[0];

      @Override
      public float score(byte[] codes, int off) {
        return -VectorUtil.hamming(q, codes, off, words);
      }

      @Override
      public void scoreAll(byte[] codes, int offset, int codeBytes, int count, float[] out) {
        if (distances.length < count) {
          distances = new int[count];
        }
        VectorUtil.hammings(q, codes, offset, words, count, distances);
        for (int i = 0; i < count; i++) {
          out[i] = -distances[i];
        }
      }
    };
  }

  /** Decodes to {@code μ ± 1} per dimension: the direction the bits encode, not a magnitude. */
  @Override
  public float[] decode(byte[] codes, int off) {
    float[] v = new float[centre.length];
    for (int i = 0; i < v.length; i++) {
      long word = (long) LONG.get(codes, off + 8 * (i >> 6));
      v[i] = centre[i] + (((word >>> (i & 63)) & 1) != 0 ? 1f : -1f);
    }
    return v;
  }

  @Override
  public String describe() {
    return (centred ? "bq-centred" : "bq") + " (" + similarity.cliName() + ", d=" + centre.length + ")";
  }
}
