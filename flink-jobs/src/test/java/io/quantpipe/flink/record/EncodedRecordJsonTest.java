package io.quantpipe.flink.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedRecordJsonTest {
  @Test
  void writesTheDocumentedJsonAndReadsItBack() throws Exception {
    EncodedRecord[] records = {
        new EncodedRecord(42, false, 3, 7, new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 0x12}, 1764000000000L, 9),
        new EncodedRecord(Long.MAX_VALUE, false, Integer.MAX_VALUE, Integer.MAX_VALUE, new byte[4096], Long.MAX_VALUE, 0),
        new EncodedRecord(0, true, 1, -1, new byte[0], Long.MIN_VALUE, 0),
        new EncodedRecord(9, false, 1, 0, new byte[] {1}, -1, 0),
    };
    ObjectMapper mapper = new ObjectMapper();
    for (EncodedRecord r : records) {
      byte[] json = EncodedRecordJson.toBytes(r);
      var expected = mapper.createObjectNode().put("id", r.id()).put("op", r.delete() ? "delete" : "insert")
          .put("codebook_version", r.codebookVersion()).put("partition", r.partition())
          .put("code", java.util.Base64.getEncoder().encodeToString(r.code())).put("ingest_ts", r.ingestTimestamp());
      assertThat(new String(json, StandardCharsets.US_ASCII)).isEqualTo(mapper.writeValueAsString(expected));
      EncodedRecord back = EncodedRecordJson.fromBytes(json);
      assertThat(back.id()).isEqualTo(r.id());
      assertThat(back.delete()).isEqualTo(r.delete());
      assertThat(back.codebookVersion()).isEqualTo(r.codebookVersion());
      assertThat(back.partition()).isEqualTo(r.partition());
      assertThat(back.code()).isEqualTo(r.code());
      assertThat(back.ingestTimestamp()).isEqualTo(r.ingestTimestamp());
      assertThat(new String(EncodedRecordJson.key(r.id()), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(r.id()));
    }
  }
}
