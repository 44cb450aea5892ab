package io.quantpipe.storage.stream;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The stream job's Parquet files: the batch shards' columns, so anything that reads
 * {@code versions/v-NNNNNN/shards/} reads these too, plus what a stream needs.
 * <pre>
 * id                int64    the vector's id
 * partition         int32    coarse partition (-1 for a delete)
 * code              binary   the code bytes (empty for a delete)
 * codebook_version  int32    the published version whose codebooks encoded it
 * delete            boolean  true: the id was deleted (the batch shards have no such rows)
 * ingest_ts         int64    the input record's Kafka timestamp, ms since the epoch
 * source_offset     int64    the input record's Kafka offset (orders an id's records in its partition)
 * vector            binary   optional: the input float32 vector, little-endian, 4 bytes per
 *                            dimension, when the job carries vectors (output-vectors = true)
 * </pre>
 * Files sit under {@code OUTPUT/v-NNNNNN/} by codebook version (the batch layout's version
 * numbering), {@code part-<writer uuid>-<n>.parquet}, one per encoder subtask and checkpoint; a
 * file appears only when its checkpoint completes (in-progress files have hidden names). The
 * file's key-value metadata names the layout ({@link #LAYOUT_KEY}): {@link #LAYOUT} adds the
 * optional {@code vector} column to {@code stream-shard-v1}; readers take both and refuse others.
 * Stateless.
 */
public final class ShardSchema {
  public static final String ID = "id";
  public static final String PARTITION = "partition";
  public static final String CODE = "code";
  public static final String CODEBOOK_VERSION = "codebook_version";
  public static final String DELETE = "delete";
  public static final String INGEST_TS = "ingest_ts";
  public static final String SOURCE_OFFSET = "source_offset";
  public static final String VECTOR = "vector";
  /** The key-value metadata key naming the layout. */
  public static final String LAYOUT_KEY = "quantpipe.layout";
  /** The layout this code writes. */
  public static final String LAYOUT = "stream-shard-v2";
  /** The layout before the {@code vector} column, still read. */
  public static final String LAYOUT_V1 = "stream-shard-v1";

  /** The message type, required fields in the order above, then the optional vector. */
  public static final MessageType SCHEMA = Types.buildMessage()
      .required(PrimitiveTypeName.INT64).named(ID)
      .required(PrimitiveTypeName.INT32).named(PARTITION)
      .required(PrimitiveTypeName.BINARY).named(CODE)
      .required(PrimitiveTypeName.INT32).named(CODEBOOK_VERSION)
      .required(PrimitiveTypeName.BOOLEAN).named(DELETE)
      .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
          LogicalTypeAnnotation.TimeUnit.MILLIS)).named(INGEST_TS)
      .required(PrimitiveTypeName.INT64).named(SOURCE_OFFSET)
      .optional(PrimitiveTypeName.BINARY).named(VECTOR)
      .named("quantpipe_stream_shard");

  private ShardSchema() {}

  /** The directory of one codebook version's files: {@code v-NNNNNN}, as the batch layout names versions. */
  public static String versionDir(int version) {
    return String.format("v-%06d", version);
  }
}
