package io.quantpipe.flink.parquet;

import io.quantpipe.storage.stream.ShardSchema;
import io.quantpipe.stream.EncodedRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/** Writes {@link EncodedRecord}s as {@link ShardSchema} rows. One per Parquet writer; not thread-safe. */
final class EncodedRecordWriteSupport extends WriteSupport<EncodedRecord> {
  private RecordConsumer out;

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(ShardSchema.SCHEMA, Map.of(ShardSchema.LAYOUT_KEY, ShardSchema.LAYOUT));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(EncodedRecord r) {
    out.startMessage();
    field(0, ShardSchema.ID).addLong(r.id());
    out.endField(ShardSchema.ID, 0);
    field(1, ShardSchema.PARTITION).addInteger(r.partition());
    out.endField(ShardSchema.PARTITION, 1);
    field(2, ShardSchema.CODE).addBinary(Binary.fromConstantByteArray(r.code()));
    out.endField(ShardSchema.CODE, 2);
    field(3, ShardSchema.CODEBOOK_VERSION).addInteger(r.codebookVersion());
    out.endField(ShardSchema.CODEBOOK_VERSION, 3);
    field(4, ShardSchema.DELETE).addBoolean(r.delete());
    out.endField(ShardSchema.DELETE, 4);
    field(5, ShardSchema.INGEST_TS).addLong(r.ingestTimestamp());
    out.endField(ShardSchema.INGEST_TS, 5);
    field(6, ShardSchema.SOURCE_OFFSET).addLong(r.sourceOffset());
    out.endField(ShardSchema.SOURCE_OFFSET, 6);
    if (r.vector() != null) { // an optional field is written only when present
      ByteBuffer bytes = ByteBuffer.allocate(r.vector().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(r.vector());
      field(7, ShardSchema.VECTOR).addBinary(Binary.fromConstantByteArray(bytes.array()));
      out.endField(ShardSchema.VECTOR, 7);
    }
    out.endMessage();
  }

  private RecordConsumer field(int index, String name) {
    out.startField(name, index);
    return out;
  }
}
