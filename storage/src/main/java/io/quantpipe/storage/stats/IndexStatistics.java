package io.quantpipe.storage.stats;

import java.util.List;
import java.util.Map;

/**
 * What one published version of an index holds, as {@code bin/quantpipe stats} reports it: read
 * from the version's {@code manifest.json}, {@code index.json}, quantizer artifact and the sizes
 * of its {@code index/} files ({@link IndexStatisticsReader}); nothing is estimated. Sizes are in
 * bytes, times in seconds or milliseconds as named. Immutable; serialised to JSON by Jackson with
 * snake_case names ({@link StatisticsReport#json}).
 *
 * @param root the index root, as given
 * @param version the version described
 * @param current whether {@code _CURRENT} points at it (its manifest was then checked against the
 *     pointer's CRC32C)
 * @param created the manifest's publish time (ISO-8601), or {@code null} when it records none
 * @param versions every version directory under the root, complete or not
 */
public record IndexStatistics(String root, int version, boolean current, String created, Corpus corpus,
    Training training, Memory memory, Partitions partitions, Evaluation evaluation, List<VersionEntry> versions) {

  public IndexStatistics {
    versions = List.copyOf(versions);
  }

  /**
   * The indexed corpus and how it was encoded.
   *
   * @param vectors vectors in the index (input rows minus rejected minus held-out queries)
   * @param evaluateOptions the strategy and its parameters as {@code bin/quantpipe evaluate} options
   */
  public record Corpus(long vectors, int dimension, String metric, String strategy, String evaluateOptions,
      long inputRows, long rejected, Map<String, Long> rejectedByReason, long heldOutQueries) {
    public Corpus {
      rejectedByReason = Map.copyOf(rejectedByReason);
    }
  }

  /**
   * How the codebooks were trained, as the manifest and the quantizer artifact record it.
   *
   * @param codebookVersion the version stamped on every code of this index (shards, stream output)
   * @param quantizerParams the parameters stored in {@code quantizer.qpa}'s header (sample sizes,
   *     iterations, seed, ...); empty for float32, which has no model
   * @param trainSeconds the train stage's wall time; {@code coarseSeconds} the coarse stage's
   * @param coarsePartitions the coarse k-means' P; {@code coarseIterations} its Lloyd passes
   * @param driftBaselineError mean relative reconstruction error on the evaluation queries, the
   *     stream job's drift baseline; {@code null} for float32
   */
  public record Training(int codebookVersion, long seed, Map<String, Object> quantizerParams, String dataFingerprint,
      Double trainSeconds, Double coarseSeconds, int coarsePartitions, int coarseIterations, Double driftBaselineError,
      Map<String, Double> stageSeconds) {}

  /**
   * Memory and disk, from the files' real sizes. {@code total} is what the compression ratio is
   * taken over, as the pipeline's manifest and quality gate take it: the codes plus the quantizer
   * model (for float32, the vectors themselves). The graph, coarse centroids and float32 files
   * are listed beside it: the graph is searched in memory, the {@code .fvecs} are read from disk.
   *
   * @param codeBytesPerVector bytes of one code (0 for float32)
   * @param codes all codes, {@code codeBytesPerVector × vectors} (held in the {@code .qph} files)
   * @param model {@code quantizer.qpa}: codebooks, ranges or rotation (0 for float32)
   * @param graph the {@code .qph} files without their codes: links, ids, header and footer
   * @param centroids {@code centroids.fvecs}, the coarse (IVF) centroids
   * @param float32Vectors the partitions' {@code .fvecs} files
   * @param float32VectorsRole what search does with them: {@code rescoring}, {@code searched} (a
   *     float32 graph) or {@code unused} (a quantized strategy without rescoring)
   * @param float32 {@code vectors × dimension × 4}, the corpus as float32
   * @param saved {@code float32 − total}
   * @param compressionRatio {@code float32 / total}
   * @param indexFiles every file under {@code index/}
   */
  public record Memory(int codeBytesPerVector, long codes, long model, long total, long float32, long saved,
      double compressionRatio, long graph, long centroids, long float32Vectors, String float32VectorsRole,
      long indexFiles) {}

  /**
   * The coarse partitions: one HNSW graph each. A centroid no vector was assigned to has no files
   * and counts as an empty partition in the balance.
   *
   * @param byPartition every coarse centroid's partition, by centroid
   * @param vectorBalance balance of vectors per partition; {@code byteBalance} of file bytes
   */
  public record Partitions(List<Partition> byPartition, Balance vectorBalance, Balance byteBalance) {
    public Partitions {
      byPartition = List.copyOf(byPartition);
    }
  }

  /**
   * One partition.
   *
   * @param graphFileBytes its {@code .qph} (graph plus codes); {@code vectorFileBytes} its {@code .fvecs}
   */
  public record Partition(int centroid, long vectors, long graphFileBytes, long vectorFileBytes) {
    public long bytes() {
      return graphFileBytes + vectorFileBytes;
    }
  }

  /**
   * How evenly a quantity spreads over the partitions.
   *
   * @param maxOverMean the largest partition over the mean (1 = perfectly even)
   * @param coefficientOfVariation population standard deviation over the mean
   */
  public record Balance(long min, long max, double mean, double maxOverMean, double coefficientOfVariation) {
    /** The balance of {@code values} (one per partition, at least one). */
    static Balance of(long[] values) {
      if (values.length == 0) {
        throw new IllegalArgumentException("Cannot measure the balance of no partitions");
      }
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      double sum = 0;
      for (long v : values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
      }
      double mean = sum / values.length;
      double squares = 0;
      for (long v : values) {
        squares += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(squares / values.length);
      return new Balance(min, max, mean, mean == 0 ? 0 : max / mean, mean == 0 ? 0 : std / mean);
    }
  }

  /**
   * The evaluate stage's figures for this version (held-out queries, exact neighbours from Spark).
   *
   * @param latencyP50Ms single-thread time of one query over its {@code nprobe} partitions
   */
  public record Evaluation(int queries, String querySource, int k, int ef, int nprobe, int oversample,
      double recallAt1, double recallAtK, double latencyP50Ms, double latencyP99Ms, double latencyMeanMs) {}

  /**
   * One version directory.
   *
   * @param complete whether it has its manifest (a failed or running run leaves none)
   */
  public record VersionEntry(int version, boolean complete, boolean current) {}
}
