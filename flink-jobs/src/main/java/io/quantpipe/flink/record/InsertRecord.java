package io.quantpipe.flink.record;

/**
 * A parsed, well-formed input record: an insert (id and vector) or a delete (id only). Whether the
 * vector fits the codebooks is the encoder's to check.
 *
 * @param id the vector's id, ≥ 0
 * @param delete {@code true} for a delete, which has no vector
 * @param vector the vector's finite floats, or {@code null} for a delete
 * @param payload the record's {@code payload} as JSON text, or {@code null}
 */
public record InsertRecord(long id, boolean delete, float[] vector, String payload) {}
