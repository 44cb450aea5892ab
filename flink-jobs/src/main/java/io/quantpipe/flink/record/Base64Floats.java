package io.quantpipe.flink.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes {@code vector_b64} text, the base64 (RFC 4648 alphabet, padded) of float32 values in
 * little-endian order, straight from the record's bytes (base64 is ASCII, so the UTF-8 bytes are the
 * characters): four characters to three bytes per step, then floats read little-endian from those
 * bytes. Jackson's own binary decoding goes through a growable byte builder and its string through
 * a character buffer; together they were a third of the stream job's per-record time at 128 dims.
 * Stateless.
 */
final class Base64Floats {
  private static final int[] SEXTET = new int[256];
  private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    Arrays.fill(SEXTET, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      SEXTET[alphabet.charAt(i)] = i;
    }
  }

  private Base64Floats() {}

  /**
   * The floats that {@code chars[offset, offset + length)} (ASCII bytes) encodes.
   *
   * @throws MalformedRecordException when the text is not padded base64, or its bytes are not a
   *     whole, non-zero number of float32s
   */
  static float[] decode(byte[] chars, int offset, int length) throws MalformedRecordException {
    if (length % 4 != 0) {
      int end = length;
      while (end > 0 && length - end < 2 && chars[offset + end - 1] == '=') {
        end--;
      }
      checkAlphabet(chars, offset, end); // text that is not base64 at all: say that first
      throw new MalformedRecordException("vector_b64 is not valid base64: " + length + " characters, not a multiple of 4");
    }
    int padding = length == 0 ? 0 : chars[offset + length - 1] != '=' ? 0 : chars[offset + length - 2] != '=' ? 1 : 2;
    int bytes = length / 4 * 3 - padding;
    if (bytes == 0 || bytes % 4 != 0) {
      checkAlphabet(chars, offset, length - padding); // text that is not base64 at all: say that first
      throw new MalformedRecordException("vector_b64 holds " + bytes + " bytes, not a whole number of float32s");
    }
    byte[] raw = new byte[bytes];
    int groups = padding == 0 ? length / 4 : length / 4 - 1; // groups of 4 characters to 3 bytes, padded one last
    int in = offset;
    int out = 0;
    for (int g = 0; g < groups; g++, in += 4) {
      int bits = sextet(chars, in) << 18 | sextet(chars, in + 1) << 12 | sextet(chars, in + 2) << 6 | sextet(chars, in + 3);
      if (bits < 0) { // some character was not in the alphabet (sextet -1 sets the sign bit): say which
        checkAlphabet(chars, offset, length - padding);
      }
      raw[out++] = (byte) (bits >> 16);
      raw[out++] = (byte) (bits >> 8);
      raw[out++] = (byte) bits;
    }
    if (padding > 0) {
      int bits = sextet(chars, in) << 18 | sextet(chars, in + 1) << 12 | (padding == 2 ? 0 : sextet(chars, in + 2) << 6);
      if (bits < 0) {
        checkAlphabet(chars, offset, length - padding);
      }
      raw[out++] = (byte) (bits >> 16);
      if (padding == 1) {
        raw[out] = (byte) (bits >> 8);
      }
    }
    float[] v = new float[bytes / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) FLOAT_LE.get(raw, 4 * i);
      if (!Float.isFinite(v[i])) {
        throw new MalformedRecordException("vector_b64[" + i + "] is " + v[i] + ", not a finite float32");
      }
    }
    return v;
  }

  /** The 6-bit value of the character at {@code i}, or -1 for one outside the alphabet. */
  private static int sextet(byte[] chars, int i) {
    return SEXTET[chars[i] & 0xFF];
  }

  private static void checkAlphabet(byte[] chars, int offset, int length) throws MalformedRecordException {
    for (int i = 0; i < length; i++) {
      if (sextet(chars, offset + i) < 0) {
        throw notBase64(chars[offset + i], i);
      }
    }
  }

  private static MalformedRecordException notBase64(byte b, int at) {
    String what = b >= 0x20 && b < 0x7F ? "character '" + (char) b + "'" : String.format("byte 0x%02x", b & 0xFF);
    return new MalformedRecordException("vector_b64 is not valid base64: " + what + " at " + at);
  }
}
