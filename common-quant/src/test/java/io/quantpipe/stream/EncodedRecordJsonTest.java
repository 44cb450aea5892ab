package io.quantpipe.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EncodedRecordJsonTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void writesTheDocumentedJsonAndReadsItBack() throws Exception {
    EncodedRecord[] records = {
        new EncodedRecord(42, false, 3, 7, new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 0x12}, null,
            1764000000000L, 2, 9),
        new EncodedRecord(Long.MAX_VALUE, false, Integer.MAX_VALUE, Integer.MAX_VALUE, new byte[4096],
            new float[] {1f, -0.5f, Float.MIN_VALUE, 3.25e7f}, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE),
        new EncodedRecord(0, true, 1, -1, new byte[0], null, Long.MIN_VALUE, 0, 0),
        new EncodedRecord(9, false, 1, 0, new byte[] {1}, new float[0], -1, -1, -1),
    };
    for (EncodedRecord r : records) {
      byte[] json = EncodedRecordJson.toBytes(r);
      var expected = mapper.createObjectNode().put("id", r.id()).put("op", r.delete() ? "delete" : "insert")
          .put("codebook_version", r.codebookVersion()).put("partition", r.partition())
          .put("code", Base64.getEncoder().encodeToString(r.code()));
      if (r.vector() != null) {
        ByteBuffer le = ByteBuffer.allocate(4 * r.vector().length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : r.vector()) {
          le.putFloat(f);
        }
        expected.put("vector", Base64.getEncoder().encodeToString(le.array()));
      }
      expected.put("ingest_ts", r.ingestTimestamp()).put("src_partition", r.sourcePartition())
          .put("src_offset", r.sourceOffset());
      assertThat(new String(json, StandardCharsets.US_ASCII)).isEqualTo(mapper.writeValueAsString(expected));
      EncodedRecord back = EncodedRecordJson.fromBytes(json);
      assertThat(back.id()).isEqualTo(r.id());
      assertThat(back.delete()).isEqualTo(r.delete());
      assertThat(back.codebookVersion()).isEqualTo(r.codebookVersion());
      assertThat(back.partition()).isEqualTo(r.partition());
      assertThat(back.code()).isEqualTo(r.code());
      assertThat(back.vector()).isEqualTo(r.vector());
      assertThat(back.ingestTimestamp()).isEqualTo(r.ingestTimestamp());
      assertThat(back.sourcePartition()).isEqualTo(r.sourcePartition());
      assertThat(back.sourceOffset()).isEqualTo(r.sourceOffset());
      assertThat(new String(EncodedRecordJson.key(r.id()), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(r.id()));
    }
  }

  @Test
  void readsRecordsWrittenBeforeVectorsAndSourceOffsets() throws Exception {
    EncodedRecord r = EncodedRecordJson.fromBytes(
        "{\"id\":5,\"op\":\"insert\",\"codebook_version\":2,\"partition\":1,\"code\":\"AQ==\",\"ingest_ts\":7}"
            .getBytes(StandardCharsets.US_ASCII));
    assertThat(r.vector()).isNull();
    assertThat(r.sourcePartition()).isEqualTo(-1);
    assertThat(r.sourceOffset()).isEqualTo(-1);
    assertThat(r.code()).containsExactly(1);
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertThatThrownBy(() -> parse("{\"op\":\"insert\",\"codebook_version\":2,\"partition\":1,\"code\":\"\"}"))
        .isInstanceOf(IOException.class).hasMessageContaining("field 'id' is missing");
    assertThatThrownBy(() -> parse("{\"id\":1,\"op\":\"upsert\",\"codebook_version\":2,\"partition\":1,\"code\":\"\"}"))
        .hasMessageContaining("field 'op' is 'upsert'");
    assertThatThrownBy(() -> parse("{\"id\":1,\"op\":\"insert\",\"codebook_version\":2,\"partition\":1,\"code\":\"%%\"}"))
        .hasMessageContaining("field 'code' is not valid base64");
    assertThatThrownBy(() -> parse("{\"id\":1,\"op\":\"insert\",\"codebook_version\":2,\"partition\":1,\"code\":\"\","
        + "\"vector\":\"AQI=\"}")).hasMessageContaining("field 'vector' holds 2 bytes");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("not a JSON object");
  }

  private static EncodedRecord parse(String json) throws IOException {
    return EncodedRecordJson.fromBytes(json.getBytes(StandardCharsets.US_ASCII));
  }
}
