package io.quantpipe.flink.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    // All ASCII: the parts are copied side by side, without a String of the base64 code in between.
    byte[] head = ("{\"id\":" + r.id() + ",\"op\":\"" + (r.delete() ? "delete" : "insert") + "\",\"codebook_version\":"
        + r.codebookVersion() + ",\"partition\":" + r.partition() + ",\"code\":\"").getBytes(StandardCharsets.ISO_8859_1);
    byte[] code = Base64.getEncoder().encode(r.code());
    byte[] tail = ("\",\"ingest_ts\":" + r.ingestTimestamp() + "}").getBytes(StandardCharsets.ISO_8859_1);
    byte[] json = Arrays.copyOf(head, head.length + code.length + tail.length);
    System.arraycopy(code, 0, json, head.length, code.length);
    System.arraycopy(tail, 0, json, head.length + code.length, tail.length);
    return json;
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
    return Long.toString(id).getBytes(StandardCharsets.UTF_8);
  }
}
