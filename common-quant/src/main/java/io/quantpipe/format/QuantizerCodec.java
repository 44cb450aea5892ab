package io.quantpipe.format;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.quant.binary.AsymmetricBinaryQuantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.quant.osq.OptimizedScalarQuantizer;
import io.quantpipe.quant.osq.OsqParams;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.rabitq.RaBitQCodec;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes and reads every {@link Quantizer} kind in the {@link ArtifactFormat} layout. Round trips
 * are bit-exact. Reading checks, in order: magic, version range, checksum, then the payload and
 * the caller's expectations; the first failure is reported as a {@link CorruptArtifactException}.
 * Stateless and thread-safe.
 */
public final class QuantizerCodec {
  private QuantizerCodec() {}

  /** The artifact bytes of a quantizer, with the given parameters text (a JSON object). */
  public static byte[] toBytes(Quantizer quantizer, String paramsJson) {
    byte[] params = paramsJson.getBytes(StandardCharsets.UTF_8);
    byte[] payload = payload(quantizer);
    ByteBuffer buf = ByteBuffer.allocate(ArtifactFormat.FIXED_HEADER + params.length + 8 + payload.length + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.order(ByteOrder.BIG_ENDIAN).putInt(ArtifactFormat.MAGIC).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(quantizer.kind().id());
    buf.put((byte) ArtifactFormat.versionFor(quantizer));
    buf.put(quantizer.similarity().id());
    buf.put((byte) 0);
    buf.putInt(quantizer.dimension());
    buf.putInt(params.length);
    buf.put(params);
    buf.putLong(payload.length);
    buf.put(payload);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /** Writes an artifact file; readers never see half a file (see {@link #writeAtomically}). */
  public static void write(Quantizer quantizer, String paramsJson, Path file) throws IOException {
    writeAtomically(file, toBytes(quantizer, paramsJson));
  }

  /** Writes to a temporary sibling, then renames it over {@code file} in one step. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads an artifact file. */
  public static QuantizerArtifact read(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /**
   * Reads an artifact and checks it is for vectors of {@code dimension} under {@code similarity}.
   */
  public static QuantizerArtifact read(Path file, int dimension, Similarity similarity) throws IOException {
    QuantizerArtifact artifact = read(file);
    Quantizer q = artifact.quantizer();
    if (q.dimension() != dimension) {
      throw new CorruptArtifactException(file.toString(), "quantizer dimension " + q.dimension() + " does not match the data's dimension " + dimension);
    }
    if (q.similarity() != similarity) {
      throw new CorruptArtifactException(file.toString(), "quantizer metric " + q.similarity().cliName() + " does not match the requested metric " + similarity.cliName());
    }
    return artifact;
  }

  /** Reads artifact bytes; {@code resource} names them in errors. */
  public static QuantizerArtifact read(byte[] bytes, String resource) throws CorruptArtifactException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < ArtifactFormat.FIXED_HEADER + 12) {
      throw new CorruptArtifactException(resource, "truncated: " + bytes.length + " bytes is shorter than any artifact");
    }
    int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt();
    buf.order(ByteOrder.LITTLE_ENDIAN);
    if (magic != ArtifactFormat.MAGIC) {
      throw new CorruptArtifactException(resource, String.format(
          "not a quantpipe quantizer artifact: magic 0x%08x, expected 0x%08x", magic, ArtifactFormat.MAGIC));
    }
    byte kindId = buf.get();
    int version = buf.get() & 0xFF;
    if (version < ArtifactFormat.VERSION_START || version > ArtifactFormat.VERSION_CURRENT) {
      throw new CorruptArtifactException(resource, String.format(
          "format version %d is not supported: this reader reads versions %d to %d%s", version,
          ArtifactFormat.VERSION_START, ArtifactFormat.VERSION_CURRENT,
          version > ArtifactFormat.VERSION_CURRENT ? " (written by a newer quantpipe: upgrade to read it)" : ""));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptArtifactException(resource, String.format(
          "checksum mismatch: stored CRC32C 0x%08x, computed 0x%08x (the file is corrupt or truncated)", stored, (int) crc.getValue()));
    }
    try {
      QuantizerKind kind = QuantizerKind.fromId(kindId);
      Similarity similarity = Similarity.fromId(buf.get());
      buf.get();
      int dim = buf.getInt();
      byte[] params = new byte[buf.getInt()];
      buf.get(params);
      long payloadLength = buf.getLong();
      if (payloadLength != buf.remaining() - 4) {
        throw new CorruptArtifactException(resource, "payload length " + payloadLength + " does not match the " + (buf.remaining() - 4) + " bytes present");
      }
      Quantizer q = readPayload(kind, version, similarity, dim, buf);
      if (buf.remaining() != 4) {
        throw new CorruptArtifactException(resource, (buf.remaining() - 4) + " unread payload bytes for a " + kind + " quantizer");
      }
      return new QuantizerArtifact(q, new String(params, StandardCharsets.UTF_8), version, Integer.toUnsignedLong(stored));
    } catch (IllegalArgumentException | BufferUnderflowException | NegativeArraySizeException e) {
      throw new CorruptArtifactException(resource, "malformed payload: " + e.getMessage(), e);
    }
  }

  private static byte[] payload(Quantizer q) {
    int d = q.dimension();
    ByteBuffer buf;
    if (q instanceof ScalarQuantizer) {
      ScalarQuantizer s = (ScalarQuantizer) q;
      buf = allocate(1 + 8L * d);
      buf.put((byte) s.bits());
      putFloats(buf, s.lower());
      putFloats(buf, s.width());
    } else if (q instanceof BinaryQuantizer) {
      buf = allocate(4L * d);
      putFloats(buf, ((BinaryQuantizer) q).centre());
    } else if (q instanceof AsymmetricBinaryQuantizer) {
      AsymmetricBinaryQuantizer a = (AsymmetricBinaryQuantizer) q;
      float[] rotation = a.rotation();
      buf = allocate(4L * d + 1 + (rotation == null ? 0 : 4L * d * d));
      putFloats(buf, a.mean());
      buf.put((byte) (rotation == null ? 0 : 1));
      if (rotation != null) {
        putFloats(buf, rotation);
      }
    } else if (q instanceof ProductQuantizer) {
      ProductQuantizer p = (ProductQuantizer) q;
      buf = allocate(8 + 4L * p.ksub() * d);
      buf.putInt(p.m());
      buf.putInt(p.ksub());
      for (int j = 0; j < p.m(); j++) {
        putFloats(buf, p.codebook(j));
      }
    } else if (q instanceof OptimizedScalarQuantizer) {
      OptimizedScalarQuantizer o = (OptimizedScalarQuantizer) q;
      buf = allocate(1 + 4 + 4 + 4L * d);
      buf.put((byte) o.bits());
      buf.putFloat(o.params().lambda());
      buf.putInt(o.params().iterations());
      putFloats(buf, o.mean());
    } else if (q instanceof RaBitQuantizer) {
      return RaBitQCodec.payload((RaBitQuantizer) q);
    } else {
      throw new IllegalArgumentException("No codec for quantizer " + q.getClass().getName());
    }
    return buf.array();
  }

  private static Quantizer readPayload(QuantizerKind kind, int version, Similarity similarity, int dim, ByteBuffer buf) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dimension " + dim + " is not positive");
    }
    switch (kind) {
      case SCALAR: {
        int bits = buf.get();
        float[] lower = getFloats(buf, dim);
        return new ScalarQuantizer(similarity, bits, lower, getFloats(buf, dim));
      }
      case BINARY:
        return new BinaryQuantizer(similarity, getFloats(buf, dim));
      case ASYMMETRIC_BINARY: {
        float[] mean = getFloats(buf, dim);
        boolean rotated = buf.get() != 0;
        if (rotated && (long) dim * dim > buf.remaining()) {
          throw new IllegalArgumentException("a " + dim + "x" + dim + " rotation does not fit the " + buf.remaining() + " bytes left");
        }
        return new AsymmetricBinaryQuantizer(similarity, mean, rotated ? getFloats(buf, dim * dim) : null);
      }
      case PRODUCT: {
        int m = buf.getInt();
        int ksub = buf.getInt();
        checkPqKsub(ksub, version);
        if (m <= 0 || dim % m != 0) {
          throw new IllegalArgumentException("PQ m=" + m + ", ksub=" + ksub + " do not fit dimension " + dim);
        }
        float[][] books = new float[m][];
        for (int j = 0; j < m; j++) {
          books[j] = getFloats(buf, ksub * (dim / m));
        }
        return new ProductQuantizer(similarity, dim, ksub, books);
      }
      case OPTIMIZED_SCALAR: {
        OsqParams params = new OsqParams(buf.get(), buf.getFloat(), buf.getInt());
        return new OptimizedScalarQuantizer(similarity, params, getFloats(buf, dim));
      }
      case RABITQ:
        return RaBitQCodec.read(similarity, dim, buf);
      default:
        throw new IllegalArgumentException("no reader for kind " + kind);
    }
  }

  /** Field {@code ksub}: 256 in every version, 16 from version 2 on. */
  private static void checkPqKsub(int ksub, int version) {
    if (ksub == PqParams.KSUB || (ksub == PqParams.KSUB_4BIT && version >= ArtifactFormat.VERSION_PQ4)) {
      return;
    }
    throw new IllegalArgumentException(String.format(
        "PQ field ksub=%d is not valid in format version %d (version 1 holds ksub 256; version %d adds 16)",
        ksub, version, ArtifactFormat.VERSION_PQ4));
  }

  private static ByteBuffer allocate(long bytes) {
    return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void putFloats(ByteBuffer buf, float[] values) {
    buf.asFloatBuffer().put(values);
    buf.position(buf.position() + 4 * values.length);
  }

  private static float[] getFloats(ByteBuffer buf, int n) {
    float[] out = new float[n];
    buf.asFloatBuffer().get(out);
    buf.position(buf.position() + 4 * n);
    return out;
  }
}
