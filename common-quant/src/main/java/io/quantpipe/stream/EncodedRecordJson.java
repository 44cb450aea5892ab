package io.quantpipe.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * The stream's output topic value format, one JSON object per record:
 * <pre>
 * {"id": 42, "op": "insert", "codebook_version": 3, "partition": 7, "code": "q83vEg==", "vector": "AACAPw...",
 *  "ingest_ts": 1764000000000, "src_partition": 0, "src_offset": 1234}
 * {"id": 42, "op": "delete", "codebook_version": 3, "partition": -1, "code": "", "ingest_ts": 1764000000000,
 *  "src_partition": 0, "src_offset": 1240}
 * </pre>
 * {@code code} is base64 (RFC 4648) of the code bytes; {@code vector}, present only when the stream
 * job carries vectors, is base64 of the float32 values in little-endian order (the search API's
 * {@code vector_b64}). The Kafka key is the id in decimal, so all records of an id land in one
 * partition, in order: a reader that keeps the last record per id has the id's state. Readers
 * accept records without {@code vector}, {@code src_partition} and {@code src_offset} (written
 * before those fields existed). Thread-safe.
 */
public final class EncodedRecordJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private EncodedRecordJson() {}

  public static byte[] toBytes(EncodedRecord r) {
    // All ASCII, written straight into one array sized up front: no strings in between.
    byte[] code = Base64.getEncoder().encode(r.code());
    byte[] vector = r.vector() == null ? null : Base64.getEncoder().encode(floatBytes(r.vector()));
    byte[] json = new byte[256 + code.length + (vector == null ? 0 : vector.length)]; // constant text and six numbers
    int at = put(json, 0, "{\"id\":");
    at = putLong(json, at, r.id());
    at = put(json, at, r.delete() ? ",\"op\":\"delete\",\"codebook_version\":" : ",\"op\":\"insert\",\"codebook_version\":");
    at = putLong(json, at, r.codebookVersion());
    at = put(json, at, ",\"partition\":");
    at = putLong(json, at, r.partition());
    at = put(json, at, ",\"code\":\"");
    System.arraycopy(code, 0, json, at, code.length);
    at += code.length;
    if (vector != null) {
      at = put(json, at, "\",\"vector\":\"");
      System.arraycopy(vector, 0, json, at, vector.length);
      at += vector.length;
    }
    at = put(json, at, "\",\"ingest_ts\":");
    at = putLong(json, at, r.ingestTimestamp());
    at = put(json, at, ",\"src_partition\":");
    at = putLong(json, at, r.sourcePartition());
    at = put(json, at, ",\"src_offset\":");
    at = putLong(json, at, r.sourceOffset());
    json[at++] = '}';
    return Arrays.copyOf(json, at);
  }

  private static byte[] floatBytes(float[] v) {
    byte[] out = new byte[4 * v.length];
    for (int i = 0; i < v.length; i++) {
      FLOAT_LE.set(out, 4 * i, v[i]);
    }
    return out;
  }

  private static int put(byte[] out, int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      out[at++] = (byte) ascii.charAt(i);
    }
    return at;
  }

  /** {@code v} in decimal at {@code at}; returns the end. 20 digits and a sign at most. */
  private static int putLong(byte[] out, int at, long v) {
    if (v == Long.MIN_VALUE) {
      return put(out, at, Long.toString(v));
    }
    if (v < 0) {
      out[at++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--, v /= 10) {
      out[i] = (byte) ('0' + v % 10);
    }
    return at + digits;
  }

  /**
   * Parses a value written by {@link #toBytes}.
   *
   * @throws IOException when it is not JSON, lacks a required field, or a field has the wrong form
   *     (the message names the field)
   */
  public static EncodedRecord fromBytes(byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object");
    }
    String op = text(n, "op");
    if (!op.equals("insert") && !op.equals("delete")) {
      throw new IOException("field 'op' is '" + op + "'; expected 'insert' or 'delete'");
    }
    float[] vector = null;
    if (n.hasNonNull("vector")) {
      byte[] raw = decode(n, "vector");
      if (raw.length % 4 != 0) {
        throw new IOException("field 'vector' holds " + raw.length + " bytes, not a whole number of float32s");
      }
      vector = new float[raw.length / 4];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) FLOAT_LE.get(raw, 4 * i);
      }
    }
    return new EncodedRecord(number(n, "id"), op.equals("delete"), (int) number(n, "codebook_version"),
        (int) number(n, "partition"), decode(n, "code"), vector, n.path("ingest_ts").asLong(),
        n.path("src_partition").asInt(-1), n.path("src_offset").asLong(-1));
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("field '" + field + "' is " + (v == null ? "missing" : v.getNodeType()) + "; expected a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IOException("field '" + field + "' is " + (v == null ? "missing" : v.toString()) + "; expected an integer");
    }
    return v.asLong();
  }

  private static byte[] decode(JsonNode n, String field) throws IOException {
    try {
      return Base64.getDecoder().decode(text(n, field));
    } catch (IllegalArgumentException e) {
      throw new IOException("field '" + field + "' is not valid base64: " + e.getMessage(), e);
    }
  }

  /** The record's Kafka key: the id in decimal. */
  public static byte[] key(long id) {
    byte[] key = new byte[20];
    return Arrays.copyOf(key, putLong(key, 0, id));
  }
}
