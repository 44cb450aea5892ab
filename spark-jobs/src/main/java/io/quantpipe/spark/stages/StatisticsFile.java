package io.quantpipe.spark.stages;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.spark.jobs.TrainJob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The {@code calibrate} stage's statistics as handed to {@code train} and {@code coarse}
 * ({@code stages/statistics.qps}): the corpus figures scalar and binary quantizers are trained
 * from and the seeded k-means++ sample.
 *
 * <pre>
 * offset   type        field
 * 0        int32 BE    magic 0x51505354 ("QPST")
 * 4        uint8       kind, 1 = calibration statistics
 * 5        uint8       format version ({@link #VERSION_CURRENT})
 * 6        int16       reserved, 0
 * 8        int64 LE    N, payload length
 * 16       N bytes     payload: Java serialization of {@link TrainJob.Statistics}
 * 16+N     int32 LE    CRC32C of every preceding byte
 * </pre>
 *
 * The payload is Java serialization because the file lives only between the tasks of one run, all
 * of one build; a file from another build is refused by the serialization's class check and
 * reported as such. Version history: 1, first version.
 */
public final class StatisticsFile {
  public static final int MAGIC = 0x51505354;
  public static final int KIND_CALIBRATION = 1;
  public static final int VERSION_CURRENT = 1;
  public static final String NAME = "statistics.qps";
  private static final int HEADER = 16;

  private StatisticsFile() {}

  public static byte[] toBytes(TrainJob.Statistics stats) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(payload)) {
      out.writeObject(stats);
    }
    byte[] body = payload.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + 4);
    b.order(ByteOrder.BIG_ENDIAN).putInt(MAGIC).put((byte) KIND_CALIBRATION).put((byte) VERSION_CURRENT)
        .putShort((short) 0);
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(body.length).put(body);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER + body.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Decodes a statistics file.
   *
   * @param resource named in errors
   * @throws CorruptArtifactException for a wrong magic, kind or version, a bad checksum or a
   *     truncated file, or statistics written by another build
   */
  public static TrainJob.Statistics read(byte[] bytes, String resource) throws IOException {
    if (bytes.length < HEADER + 4) {
      throw new CorruptArtifactException(resource, "truncated: " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (b.getInt() != MAGIC) {
      throw new CorruptArtifactException(resource, "not a statistics file (bad magic)");
    }
    int kind = b.get();
    int version = b.get();
    if (kind != KIND_CALIBRATION) {
      throw new CorruptArtifactException(resource, "unknown kind " + kind);
    }
    if (version != VERSION_CURRENT) {
      throw new CorruptArtifactException(resource, "format version " + version + ", this build reads "
          + VERSION_CURRENT);
    }
    b.getShort();
    long n = b.order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n != bytes.length - HEADER - 4L) {
      throw new CorruptArtifactException(resource, "payload length " + n + " does not match the file size "
          + bytes.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptArtifactException(resource, "checksum mismatch");
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, HEADER, (int) n))) {
      return (TrainJob.Statistics) in.readObject();
    } catch (InvalidClassException | ClassNotFoundException | ClassCastException e) {
      throw new CorruptArtifactException(resource, "written by another quantpipe build: rerun stage 'calibrate'", e);
    }
  }
}
