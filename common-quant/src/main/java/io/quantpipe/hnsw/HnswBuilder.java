package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds an HNSW graph (Malkov &amp; Yashunin 2018, as hnswlib implements it) over the vectors a
 * {@link ScorerSupplier} scores. Levels are drawn up front from the seed, so they do not depend on
 * the thread count; nodes are then inserted in ordinal order by one thread, which makes the graph
 * reproducible byte for byte, or claimed by several threads under per-node locks, which gives a
 * valid graph of the same quality but not the same bytes.
 *
 * <p>Inserting node q of level L:
 * <ol>
 *   <li>greedy descent from the entry point through the levels above L;</li>
 *   <li>on each level from min(L, top) down to 0, a search for the efConstruction nearest nodes;</li>
 *   <li>q keeps at most M of them, chosen by the neighbour-selection heuristic (a candidate is
 *       kept only if it is closer to q than to every neighbour already kept); a builder given
 *       selection scores first re-scores the candidates with them, so that a search on cheap
 *       codes still links as exact scores would;</li>
 *   <li>each chosen neighbour links back to q, re-running the heuristic when its list is full.</li>
 * </ol>
 *
 * <p>A builder is used once; {@link #build} is not reentrant.
 */
public final class HnswBuilder {
  private static final int LOCK_STRIPES = 1 << 12;

  private final HnswConfig config;
  private final ScorerSupplier scorers;
  /** Scores neighbour selection with: {@link #scorers} itself, or exact scores of a code build. */
  private final ScorerSupplier selection;
  private final boolean rescore;
  private final OnHeapHnswGraph graph;
  private final float[] level0Scores;
  private final float[][] upperScores;
  private final Object[] locks = new Object[LOCK_STRIPES];
  private final Object entryLock = new Object();
  private final HnswGraph lockedView;
  /**
   * What insertions search: {@link #lockedView} for several threads, the graph itself for one,
   * which reads each expanded node's list without taking its lock (an uncontended monitor still
   * costs a compare-and-swap per expansion, a few hundred per insertion).
   */
  private HnswGraph searchView;

  /** A builder that searches and selects neighbours on the same scores. */
  public HnswBuilder(ScorerSupplier scorers, HnswConfig config) {
    this(scorers, null, config);
  }

  /**
   * A builder that searches for candidates on {@code scorers} (cheap: build codes) and, when
   * {@code selection} is given, re-scores each insertion's efConstruction candidates with it
   * (exact: the float vectors) before the heuristic picks the M neighbours, so that links are
   * chosen as a float build would choose them (JVector's rescoring of PQ builds). Every stored
   * link score, and so every later pruning, is then a {@code selection} score.
   *
   * @param selection the exact scores for neighbour selection, same ordinals, or {@code null}
   */
  public HnswBuilder(ScorerSupplier scorers, ScorerSupplier selection, HnswConfig config) {
    if (scorers.size() == 0) {
      throw new IllegalArgumentException("Cannot build an HNSW graph over no vectors");
    }
    if (selection != null && selection.size() != scorers.size()) {
      throw new IllegalArgumentException(String.format(
          "Selection scores cover %d vectors but search scores %d", selection.size(), scorers.size()));
    }
    this.config = config;
    this.scorers = scorers;
    this.rescore = selection != null;
    this.selection = selection != null ? selection : scorers;
    this.graph = new OnHeapHnswGraph(config.m(), drawLevels(scorers.size(), config));
    this.level0Scores = new float[Math.multiplyExact(scorers.size(), config.maxConnections0())];
    this.upperScores = new float[scorers.size()][];
    for (int node = 0; node < scorers.size(); node++) {
      if (graph.levelOf(node) > 0) {
        upperScores[node] = new float[graph.levelOf(node) * config.m()];
      }
    }
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
    this.lockedView = new LockedView();
  }

  /** Each node's level: ⌊−ln(U)·mL⌋ with U uniform in (0, 1], from one seeded generator. */
  static byte[] drawLevels(int n, HnswConfig config) {
    SplittableRandom random = new SplittableRandom(config.seed());
    byte[] levels = new byte[n];
    for (int i = 0; i < n; i++) {
      double u = 1.0 - random.nextDouble();
      levels[i] = (byte) Math.min(HnswConfig.MAX_LEVEL, (int) (-Math.log(u) * config.levelMultiplier()));
    }
    return levels;
  }

  /** Inserts every node, on {@code threads} threads (1 for a reproducible graph). */
  public OnHeapHnswGraph build(int threads) throws InterruptedException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive; threads=" + threads);
    }
    searchView = threads == 1 ? graph : lockedView;
    AtomicInteger next = new AtomicInteger(1);
    Runnable worker = () -> {
      Inserter inserter = new Inserter();
      for (int node = next.getAndIncrement(); node < scorers.size(); node = next.getAndIncrement()) {
        inserter.insert(node);
      }
    };
    if (threads == 1) {
      worker.run();
      return graph;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "hnsw-build");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("HNSW build failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return graph;
  }

  private Object lock(int node) {
    return locks[node & (LOCK_STRIPES - 1)];
  }

  /** One thread's insertion state: its searcher and scratch arrays. */
  private final class Inserter {
    private final HnswSearcher searcher = new HnswSearcher();
    private final NeighborSelector selector = new NeighborSelector(selection, config.maxConnections0() + 1);
    private final int[] chosenNodes = new int[config.m()];
    private final float[] chosenScores = new float[config.m()];

    void insert(int node) {
      int level = graph.levelOf(node);
      int entry;
      int top;
      synchronized (entryLock) {
        entry = graph.entryPoint();
        top = graph.maxLevel();
      }
      if (level > top) {
        // As hnswlib does: a node that raises the top level is inserted under the entry lock,
        // so no other insert starts from an entry point that is about to change.
        synchronized (entryLock) {
          link(node, level, graph.entryPoint(), graph.maxLevel());
          graph.setEntryPoint(node, level);
        }
      } else {
        link(node, level, entry, top);
      }
    }

    private void link(int node, int level, int entry, int top) {
      QueryScorer scorer = scorers.scorer(node);
      QueryScorer exact = rescore ? selection.scorer(node) : null;
      float entryScore = scorer.score(entry);
      for (int l = top; l > level; l--) {
        long best = searcher.greedy(searchView, scorer, entry, entryScore, l);
        entry = NodeQueue.node(best);
        entryScore = NodeQueue.score(best);
      }
      for (int l = Math.min(level, top); l >= 0; l--) {
        searcher.searchLayer(searchView, scorer, entry, entryScore, config.efConstruction(), l, null);
        selector.loadFromQueue(searcher.results());
        // The next level's search starts from the best candidate by the search's own scores.
        entry = selector.bestNode();
        entryScore = selector.bestScore();
        if (exact != null) {
          selector.rescore(exact);
        }
        selector.select(config.m());
        synchronized (lock(node)) {
          storeNeighbors(l, node, selector);
        }
        // linkBack reuses the selector, so the chosen neighbours are copied out first.
        int chosen = selector.size();
        System.arraycopy(selector.nodes(), 0, chosenNodes, 0, chosen);
        System.arraycopy(selector.scores(), 0, chosenScores, 0, chosen);
        for (int i = 0; i < chosen; i++) {
          linkBack(l, chosenNodes[i], node, chosenScores[i]);
        }
      }
    }

    /** Adds {@code node} to the list of {@code neighbor}, pruning by the heuristic when full. */
    private void linkBack(int level, int neighbor, int node, float score) {
      int capacity = config.maxConnections(level);
      synchronized (lock(neighbor)) {
        int count = graph.count(level, neighbor);
        float[] scores = scoresOf(level, neighbor);
        int base = scoreBase(level, neighbor);
        if (count < capacity) {
          graph.addNeighbor(level, neighbor, node);
          scores[base + count] = score;
          return;
        }
        selector.loadFromList(graph, level, neighbor, scores, base, node, score);
        selector.select(capacity);
        storeNeighbors(level, neighbor, selector);
      }
    }

    private void storeNeighbors(int level, int node, NeighborSelector selected) {
      graph.setNeighbors(level, node, selected.nodes(), selected.size());
      float[] scores = scoresOf(level, node);
      int base = scoreBase(level, node);
      for (int i = 0; i < selected.size(); i++) {
        scores[base + i] = selected.score(i);
      }
    }
  }

  private float[] scoresOf(int level, int node) {
    return level == 0 ? level0Scores : upperScores[node];
  }

  private int scoreBase(int level, int node) {
    return level == 0 ? node * config.maxConnections0() : (level - 1) * config.m();
  }

  /** The graph as insertions read it: each list copied under its node's lock. */
  private final class LockedView implements HnswGraph {
    @Override
    public int size() {
      return graph.size();
    }

    @Override
    public int entryPoint() {
      return graph.entryPoint();
    }

    @Override
    public int maxLevel() {
      return graph.maxLevel();
    }

    @Override
    public int levelOf(int node) {
      return graph.levelOf(node);
    }

    @Override
    public int m() {
      return graph.m();
    }

    @Override
    public int neighbors(int level, int node, int[] dst) {
      synchronized (lock(node)) {
        return graph.neighbors(level, node, dst);
      }
    }
  }
}
