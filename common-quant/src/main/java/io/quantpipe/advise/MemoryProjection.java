package io.quantpipe.advise;

import io.quantpipe.hnsw.HnswPartitionFormat;

/**
 * What one strategy needs to serve a corpus of {@code vectors} vectors, projected from the bytes per
 * vector measured on a sample: the codes (or the float32 vectors for {@code none}), the trained model
 * (codebooks, ranges: the serialised artifact, independent of the corpus size), the HNSW graph with
 * its ids, and, for a hybrid, the float32 vectors its rescoring reads, which either stay on disk
 * (memory-mapped, as the pipeline's partitions keep them) or are counted in memory. Bytes; GB are
 * decimal (10^9). Immutable.
 *
 * @param vectors corpus size
 * @param codeBytes all codes
 * @param modelBytes the model
 * @param graphBytes graph adjacency and ids (0 when projected without a graph)
 * @param rescoreBytes float32 vectors a hybrid reads for rescoring (0 otherwise)
 * @param rescoreInMemory whether {@code rescoreBytes} is held in memory rather than on disk
 */
public record MemoryProjection(long vectors, long codeBytes, long modelBytes, long graphBytes, long rescoreBytes,
                               boolean rescoreInMemory) {

  /**
   * Projects to {@code vectors} vectors of dimension {@code dim}.
   *
   * @param codeBytesPerVector one code, corrections included (4·dim for float32)
   * @param hybrid whether the strategy rescores with float32 vectors
   * @param graphM the HNSW M of the served graph, or 0 for no graph (a flat scan)
   */
  public static MemoryProjection of(long vectors, int dim, int codeBytesPerVector, long modelBytes, boolean hybrid,
                                    int graphM, boolean rescoreInMemory) {
    long graph = graphM == 0 ? 0 : (long) Math.ceil(vectors * HnswPartitionFormat.expectedBytesPerNode(graphM));
    return new MemoryProjection(vectors, vectors * codeBytesPerVector, modelBytes, graph,
        hybrid ? vectors * 4L * dim : 0, rescoreInMemory);
  }

  /** Bytes held in memory to serve: codes, model, graph and, when so placed, the rescoring vectors. */
  public long memoryBytes() {
    return codeBytes + modelBytes + graphBytes + (rescoreInMemory ? rescoreBytes : 0);
  }

  /** Bytes read from disk at query time: the rescoring vectors when they are not in memory. */
  public long diskBytes() {
    return rescoreInMemory ? 0 : rescoreBytes;
  }

  public double memoryGb() {
    return memoryBytes() / 1e9;
  }

  public double diskGb() {
    return diskBytes() / 1e9;
  }
}
