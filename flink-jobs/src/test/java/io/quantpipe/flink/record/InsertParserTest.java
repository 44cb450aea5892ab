package io.quantpipe.flink.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InsertParserTest {
  private static RawRecord raw(String json) {
    return new RawRecord("in", 0, 7, 1000, null, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void insertsAndDeletesParse() throws Exception {
    InsertRecord r = InsertParser.parse(
        raw("{\"id\": 42, \"vector\": [0.1, -2, 3.5e-3], \"payload\": {\"t\": \"x\"}}"));
    assertThat(r.id()).isEqualTo(42);
    assertThat(r.delete()).isFalse();
    assertThat(r.vector()).containsExactly(0.1f, -2f, 3.5e-3f);
    assertThat(r.payload()).isEqualTo("{\"t\":\"x\"}");
    InsertRecord d = InsertParser.parse(raw("{\"op\": \"delete\", \"id\": 9, \"extra\": [1, {\"a\": 2}]}"));
    assertThat(d.delete()).isTrue();
    assertThat(d.vector()).isNull();
  }

  @Test
  void floatsRoundTripExactlyThroughTheirShortestText() throws Exception {
    float[] values = {0.1f, 1.0e-38f, 3.4028235e38f, -7.006492e-45f, 0.33333334f, 123456.79f};
    StringBuilder json = new StringBuilder("{\"id\": 1, \"vector\": [");
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "" : ",").append(Float.toString(values[i]));
    }
    float[] parsed = InsertParser.parse(raw(json.append("]}").toString())).vector();
    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(parsed[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void base64VectorsAreTheSameFloatsExactly() throws Exception {
    float[] values = {0.1f, -2.5e-7f, 3.4028235e38f, Float.MIN_VALUE, -0.0f};
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    String b64 = java.util.Base64.getEncoder().encodeToString(b.array());
    float[] parsed = InsertParser.parse(raw("{\"id\": 3, \"vector_b64\": \"" + b64 + "\"}")).vector();
    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(parsed[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
    }
    java.nio.ByteBuffer nan = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putFloat(1f).putFloat(Float.NaN);
    assertReason("{\"id\": 1, \"vector_b64\": \"" + java.util.Base64.getEncoder().encodeToString(nan.array()) + "\"}",
        "vector_b64[1] is NaN");
    assertReason("{\"id\": 1, \"vector_b64\": \"AAAA\"}", "vector_b64 holds 3 bytes");
    assertReason("{\"id\": 1, \"vector_b64\": \"%%%%\"}", "vector_b64 is not valid base64");
    assertReason("{\"id\": 1, \"vector_b64\": 7}", "vector_b64 must be a base64 string");
    assertReason("{\"id\": 1, \"vector\": [1], \"vector_b64\": \"AACAPw==\"}", "vector given twice");
    assertReason("{\"id\": 1, \"vector_b64\": \"AACAPw=\"}", "not a multiple of 4");
    assertReason("{\"id\": 1, \"vector_b64\": \"AA=APw==\"}", "character '=' at 2");
    assertReason("{\"id\": 1, \"vector_b64\": \"AA\\u0041APw==\"}", "character '\\' at 2"); // no escapes in base64
    assertReason("{\"id\": 1, \"vector_b64\": \"AACAPw==", "unparsable JSON");
    assertReason("{\"id\": 1, \"vector_b64\": \"AACA\u00e9w==\"}", "byte 0xc3 at 4");
  }

  @Test
  void base64DecodingMatchesTheJdkForEveryPaddingAndLength() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int dims = 1; dims <= 40; dims++) { // 4·dims bytes: padding 2, 1 and 0 in turn
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * dims).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < dims; i++) {
        b.putFloat((float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30))));
      }
      String b64 = java.util.Base64.getEncoder().encodeToString(b.array());
      float[] parsed = InsertParser.parse(raw("{\"id\": 3, \"vector_b64\": \"" + b64 + "\"}")).vector();
      java.nio.FloatBuffer expected = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(b64))
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      assertThat(parsed).hasSize(dims);
      for (int i = 0; i < dims; i++) {
        assertThat(Float.floatToRawIntBits(parsed[i])).as("dims %d, [%d]", dims, i)
            .isEqualTo(Float.floatToRawIntBits(expected.get(i)));
      }
    }
  }

  @Test
  void everyMalformedKindIsNamed() {
    assertReason(null, "null value (a tombstone)");
    assertReason("not json", "unparsable JSON");
    assertReason("[1, 2]", "not a JSON object");
    assertReason("{\"vector\": [1]}", "id is missing");
    assertReason("{\"id\": -3, \"vector\": [1]}", "id must be an integer from 0 to 2^63-1, got -3");
    assertReason("{\"id\": 1.5, \"vector\": [1]}", "id must be an integer");
    assertReason("{\"id\": \"7\", \"vector\": [1]}", "id must be an integer");
    assertReason("{\"id\": 1}", "vector is missing or null for insert of id 1");
    assertReason("{\"id\": 1, \"vector\": null}", "vector is missing or null");
    assertReason("{\"id\": 1, \"vector\": []}", "vector is empty");
    assertReason("{\"id\": 1, \"vector\": \"0.1 0.2\"}", "vector must be an array of numbers");
    assertReason("{\"id\": 1, \"vector\": [1, null, 3]}", "vector[1] is null");
    assertReason("{\"id\": 1, \"vector\": [1, \"x\"]}", "vector[1] is not a number: x");
    assertReason("{\"id\": 1, \"vector\": [1, 2, NaN]}", "vector[2] is NaN, not a finite float32");
    assertReason("{\"id\": 1, \"vector\": [-Infinity]}", "vector[0] is -Infinity");
    assertReason("{\"id\": 1, \"vector\": [1e39]}", "vector[0] is 1e39, not a finite float32");
    assertReason("{\"id\": 1, \"op\": \"upsert\", \"vector\": [1]}", "op must be \"insert\" or \"delete\", got upsert");
    assertReason("{\"id\": 1, \"vector\": [1]} {}", "trailing content");
    assertReason("{\"id\": 1, \"vector\": [1]", "unparsable JSON");
  }

  private static void assertReason(String json, String reason) {
    assertThatThrownBy(() -> InsertParser.parse(raw(json))).as(json)
        .isInstanceOf(MalformedRecordException.class).hasMessageContaining(reason);
  }
}
