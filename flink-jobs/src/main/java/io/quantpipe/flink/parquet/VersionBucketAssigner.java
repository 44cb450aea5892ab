package io.quantpipe.flink.parquet;

import io.quantpipe.storage.stream.ShardSchema;
import io.quantpipe.stream.EncodedRecord;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Puts each record's Parquet row under its codebook version's directory
 * ({@link ShardSchema#versionDir}), so a serving node loads the files that match the codebooks it
 * serves. Stateless.
 */
public final class VersionBucketAssigner implements BucketAssigner<EncodedRecord, String> {
  @Override
  public String getBucketId(EncodedRecord r, Context context) {
    return ShardSchema.versionDir(r.codebookVersion());
  }

  @Override
  public SimpleVersionedSerializer<String> getSerializer() {
    return SimpleVersionedStringSerializer.INSTANCE;
  }
}
