package io.quantpipe.flink.record;

/**
 * An encoded insert or a delete, as serving nodes receive it.
 *
 * @param id the vector's id
 * @param delete {@code true} for a delete (no partition, no code)
 * @param codebookVersion the published version whose codebooks encoded it (for a delete: the
 *     version current when it passed)
 * @param partition the coarse partition, or -1 for a delete
 * @param code the code bytes (empty for float32 and for deletes)
 * @param ingestTimestamp the input record's Kafka timestamp, ms, for end-to-end latency
 * @param sourceOffset the input record's Kafka offset, which orders an id's records within its input
 *     partition (written to the Parquet output; not part of the JSON output, -1 when read from it)
 */
public record EncodedRecord(long id, boolean delete, int codebookVersion, int partition, byte[] code,
    long ingestTimestamp, long sourceOffset) {}
