package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.search.SearchResult;
import io.quantpipe.search.TopK;
import java.util.function.IntPredicate;

/**
 * Searches one partition: through the graph with the cheap scorer (codes for a quantized graph,
 * the floats themselves for a float32 one), then, for a quantized graph, rescoring the
 * {@code k·oversample} best candidates with exact float32 scores. Results are node ordinals.
 *
 * <p>For a RaBitQ graph only the candidates whose estimate's upper bound reaches the k-th best
 * lower bound are rescored (ε0 = 1.9, {@link RaBitQueryScorer#PUBLISHED_EPSILON}): with the bounds
 * holding, no other candidate can be among the k best; {@link #rescoredCount()} says how many were.
 *
 * <p>One per thread, like the {@link HnswSearcher} it uses.
 */
public final class TwoPhaseSearcher {
  private final HnswPartition partition;
  private final ScorerSupplier floats;
  private final HnswSearcher searcher;
  private long rescored;

  /**
   * @param floats the partition's float32 vectors by node ordinal: scored during the walk of a
   *     float32 graph, used for rescoring a quantized one; may be {@code null} for a quantized
   *     graph searched without rescoring
   */
  public TwoPhaseSearcher(HnswPartition partition, ScorerSupplier floats) {
    this(partition, floats, new HnswSearcher());
  }

  /** As above, with a searcher (and its visited set) shared with other partitions of one thread. */
  public TwoPhaseSearcher(HnswPartition partition, ScorerSupplier floats, HnswSearcher searcher) {
    if (floats != null && floats.size() != partition.size()) {
      throw new IllegalArgumentException(String.format(
          "%s: %d float vectors for %d graph nodes", partition.path(), floats.size(), partition.size()));
    }
    if (floats == null && partition.quantizer() == null) {
      throw new IllegalArgumentException(partition.path() + ": a float32 graph needs its float vectors to search");
    }
    this.partition = partition;
    this.floats = floats;
    this.searcher = searcher;
  }

  /**
   * The {@code k} best accepted nodes.
   *
   * @param oversample candidates rescored per result (quantized graphs; 0 or 1 = no rescoring)
   * @param accept node ordinals that may be returned, or {@code null} for all
   */
  public SearchResult search(float[] query, int k, int ef, int oversample, IntPredicate accept) {
    if (partition.quantizer() == null) {
      rescored = 0;
      return searcher.search(partition, floats.scorer(query), k, ef, accept);
    }
    QueryScorer codes = partition.codeScorer(query);
    if (floats == null || oversample <= 1) {
      rescored = 0;
      return searcher.search(partition, codes, k, ef, accept);
    }
    int candidates = Math.multiplyExact(k, oversample);
    SearchResult rough = searcher.search(partition, codes, candidates, Math.max(ef, candidates), accept);
    QueryScorer exact = floats.scorer(query);
    TopK top = new TopK(k);
    int[] ids = partition.quantizer() instanceof RaBitQuantizer ? withinBounds(query, rough, k) : rough.ids();
    for (int id : ids) {
      top.offer(id, exact.score(id));
    }
    rescored = ids.length;
    return top.drain();
  }

  /** The candidates of {@code rough} (scored by RaBitQ estimates) whose upper bound reaches the k-th lower bound. */
  private int[] withinBounds(float[] query, SearchResult rough, int k) {
    RaBitQueryScorer scorer = ((RaBitQuantizer) partition.quantizer()).scorer(query, RaBitQueryScorer.PUBLISHED_EPSILON);
    byte[] code = new byte[partition.quantizer().codeBytes()];
    int n = rough.ids().length;
    float[] bounds = new float[n];
    TopK lowers = new TopK(Math.max(1, Math.min(k, n)));
    for (int i = 0; i < n; i++) {
      partition.readCode(rough.ids()[i], code);
      bounds[i] = scorer.bound(code, 0);
      lowers.offer(rough.ids()[i], rough.scores()[i] - bounds[i]);
    }
    float floor = lowers.threshold();
    int kept = 0;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      if (rough.scores()[i] + bounds[i] >= floor) {
        ids[kept++] = rough.ids()[i];
      }
    }
    return java.util.Arrays.copyOf(ids, kept);
  }

  /** How many float32 vectors the last search rescored (0 when it did not rescore). */
  public long rescoredCount() {
    return rescored;
  }

  /** How many nodes the last graph walk scored. */
  public long visitedCount() {
    return searcher.visitedCount();
  }
}
