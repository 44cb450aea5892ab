package io.quantpipe.stream;

/**
 * An encoded insert or a delete, as the stream job emits it and serving nodes apply it.
 *
 * @param id the vector's id
 * @param delete {@code true} for a delete (no partition, no code, no vector)
 * @param codebookVersion the published version whose codebooks encoded it (for a delete: the
 *     version current when it passed)
 * @param partition the coarse partition, or -1 for a delete
 * @param code the code bytes (empty for float32 and for deletes)
 * @param vector the input's float32 vector when the stream job carries it ({@code output-vectors}),
 *     else {@code null}: what a node needs to rescore the entry and to re-encode it for a version
 *     with other codebooks
 * @param ingestTimestamp the input record's Kafka timestamp, ms, for end-to-end latency
 * @param sourcePartition the input record's Kafka partition, or -1 when unknown
 * @param sourceOffset the input record's Kafka offset, which orders an id's records within its input
 *     partition, or -1 when unknown
 */
public record EncodedRecord(long id, boolean delete, int codebookVersion, int partition, byte[] code, float[] vector,
    long ingestTimestamp, int sourcePartition, long sourceOffset) {}
