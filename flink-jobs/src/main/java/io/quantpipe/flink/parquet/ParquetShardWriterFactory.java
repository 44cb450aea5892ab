package io.quantpipe.flink.parquet;

import io.quantpipe.storage.stream.ShardSchema;
import io.quantpipe.stream.EncodedRecord;
import java.io.IOException;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Parquet files of {@link ShardSchema} rows for Flink's {@code FileSink} (bulk format: a file is
 * finished at each checkpoint and committed with it, so the files hold every record exactly
 * once). Written with parquet-hadoop onto the stream the sink opens, Snappy-compressed. The
 * factory is serializable and stateless; each writer belongs to one sink subtask.
 */
public final class ParquetShardWriterFactory implements BulkWriter.Factory<EncodedRecord> {
  @Override
  public BulkWriter<EncodedRecord> create(FSDataOutputStream out) throws IOException {
    ParquetWriter<EncodedRecord> writer = new Builder(new SinkOutputFile(out))
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
    return new BulkWriter<>() {
      @Override
      public void addElement(EncodedRecord r) throws IOException {
        writer.write(r);
      }

      @Override
      public void flush() {
        // Parquet buffers a row group in memory; rows reach the stream when finish() closes the file.
      }

      @Override
      public void finish() throws IOException {
        writer.close(); // writes the footer; the sink, not Parquet, closes the stream (SinkOutputFile)
      }
    };
  }

  private static final class Builder extends ParquetWriter.Builder<EncodedRecord, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<EncodedRecord> getWriteSupport(Configuration conf) {
      return new EncodedRecordWriteSupport();
    }
  }

  /** The sink's stream as Parquet's output file: Parquet writes to it, the sink owns and closes it. */
  private record SinkOutputFile(FSDataOutputStream out) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush(); // not closed: the sink commits the file after finish()
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
