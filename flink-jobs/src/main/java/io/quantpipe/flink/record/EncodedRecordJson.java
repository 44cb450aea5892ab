package io.quantpipe.flink.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The output topic's value format, one JSON object per record:
 * <pre>
 * {"id": 42, "op": "insert", "codebook_version": 3, "partition": 7, "code": "q83vEg==", "ingest_ts": 1764000000000}
 * {"id": 42, "op": "delete", "codebook_version": 3, "partition": -1, "code": "", "ingest_ts": 1764000000000}
 * </pre>
 * {@code code} is base64 (RFC 4648) of the code bytes; the Kafka key is the id in decimal, so all
 * records of an id land in one partition, in order. Thread-safe.
 */
public final class EncodedRecordJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EncodedRecordJson() {}

  public static byte[] toBytes(EncodedRecord r) {
    // All ASCII, written straight into one array sized up front: no strings in between.
    byte[] code = Base64.getEncoder().encode(r.code());
    byte[] json = new byte[160 + code.length]; // the constant text (77 bytes) and four numbers of 20 digits at most
    int at = put(json, 0, "{\"id\":");
    at = putLong(json, at, r.id());
    at = put(json, at, r.delete() ? ",\"op\":\"delete\",\"codebook_version\":" : ",\"op\":\"insert\",\"codebook_version\":");
    at = putLong(json, at, r.codebookVersion());
    at = put(json, at, ",\"partition\":");
    at = putLong(json, at, r.partition());
    at = put(json, at, ",\"code\":\"");
    System.arraycopy(code, 0, json, at, code.length);
    at = put(json, at + code.length, "\",\"ingest_ts\":");
    at = putLong(json, at, r.ingestTimestamp());
    json[at++] = '}';
    return Arrays.copyOf(json, at);
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

  /** Parses a value written by {@link #toBytes}. */
  public static EncodedRecord fromBytes(byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    return new EncodedRecord(n.required("id").asLong(), "delete".equals(n.required("op").asText()),
        n.required("codebook_version").asInt(), n.required("partition").asInt(),
        Base64.getDecoder().decode(n.required("code").asText()), n.path("ingest_ts").asLong(), -1);
  }

  /** The record's Kafka key: the id in decimal. */
  public static byte[] key(long id) {
    byte[] key = new byte[20];
    return Arrays.copyOf(key, putLong(key, 0, id));
  }
}
