package io.quantpipe.spark.jobs;

import io.quantpipe.eval.SearchTuning.Setting;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswPartition;
import io.quantpipe.hnsw.MappedVectors;
import io.quantpipe.hnsw.TwoPhaseSearcher;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.search.SearchResult;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import scala.Tuple2;

/**
 * The evaluate stage's task for one coarse partition: copies the partition's files from storage,
 * opens them with the serving reader ({@link HnswPartition}) and searches each query that probes
 * it once per beam width and oversampling factor the settings ask for, timing each search and
 * counting the bytes it scored. Runs on an executor; holds one partition's files at a time.
 */
final class PartitionSearch {
  private PartitionSearch() {}

  /**
   * The hits of one query in one partition at one (ef, oversample) pair.
   *
   * @param rank the partition's place in the query's probe order (0 = nearest centroid)
   * @param pair the index of the (ef, oversample) pair in {@link #pairs}
   * @param bytes bytes scored: graph nodes visited times the bytes per node, plus rescored vectors
   */
  record Hits(int query, int rank, int pair, long[] ids, float[] scores, long nanos, long bytes)
      implements Serializable {}

  /** The distinct (ef, oversample) pairs of {@code settings}, in first-seen order (nprobe set to 0). */
  static List<Setting> pairs(List<Setting> settings) {
    List<Setting> pairs = new ArrayList<>();
    for (Setting s : settings) {
      Setting p = new Setting(0, s.ef(), s.oversample());
      if (!pairs.contains(p)) {
        pairs.add(p);
      }
    }
    return pairs;
  }

  /**
   * Searches partition {@code centroid} for {@code queryIds[i]}, probed at {@code ranks[i]}, with
   * every pair whose settings probe that deep ({@code deepest[pair]} is the largest nprobe of the
   * pair's settings).
   */
  static List<Tuple2<Integer, Hits>> run(int centroid, int[] queryIds, int[] ranks, FloatVectors queries,
      String indexDir, Configuration hadoop, Similarity sim, int k, List<Setting> pairs, int[] deepest)
      throws IOException {
    IndexStore store = new IndexStore(indexDir, hadoop);
    Path local = Files.createTempDirectory("quantpipe-eval-");
    try {
      Path graph = local.resolve(IndexManifest.graphFile(centroid));
      Path floats = local.resolve(IndexManifest.vectorsFile(centroid));
      store.download(IndexManifest.graphFile(centroid), graph);
      store.download(IndexManifest.vectorsFile(centroid), floats);
      HnswPartition partition;
      if (store.exists(IndexManifest.QUANTIZER_FILE)) {
        QuantizerArtifact artifact = QuantizerCodec.read(store.readBytes(IndexManifest.QUANTIZER_FILE), "quantizer");
        partition = HnswPartition.open(graph, artifact, true);
      } else {
        partition = HnswPartition.openFloat(graph, queries.dim(), sim, true);
      }
      TwoPhaseSearcher searcher = new TwoPhaseSearcher(partition, MappedVectors.open(floats, queries.dim(), sim));
      long floatBytes = 4L * queries.dim();
      long nodeBytes = partition.quantizer() == null ? floatBytes : partition.quantizer().codeBytes();
      Setting widest = pairs.stream().max(java.util.Comparator.comparingLong(p -> (long) p.ef() * p.oversample()))
          .orElseThrow();
      for (int q : queryIds) { // warm-up: time searches, not class loading and the JIT
        searcher.search(queries.get(q), k, widest.ef(), widest.oversample(), null);
      }
      List<Tuple2<Integer, Hits>> out = new ArrayList<>();
      for (int i = 0; i < queryIds.length; i++) {
        int q = queryIds[i];
        for (int p = 0; p < pairs.size(); p++) {
          if (ranks[i] >= deepest[p]) {
            continue;
          }
          Setting pair = pairs.get(p);
          long t0 = System.nanoTime();
          SearchResult r = searcher.search(queries.get(q), k, Math.max(pair.ef(), k), pair.oversample(), null);
          long nanos = System.nanoTime() - t0;
          long rescored = partition.quantizer() == null || pair.oversample() <= 1 ? 0
              : Math.min((long) k * pair.oversample(), partition.size());
          long bytes = searcher.visitedCount() * nodeBytes + rescored * floatBytes;
          long[] ids = new long[r.size()];
          for (int j = 0; j < ids.length; j++) {
            ids[j] = partition.id(r.ids()[j]);
          }
          out.add(new Tuple2<>(q, new Hits(q, ranks[i], p, ids, r.scores().clone(), nanos, bytes)));
        }
      }
      return out;
    } finally {
      try (var files = Files.list(local)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(local);
    }
  }
}
