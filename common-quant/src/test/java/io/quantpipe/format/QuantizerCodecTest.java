package io.quantpipe.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantizerCodecTest {
  private static final Map<String, Quantizer> QUANTIZERS = GoldenFixtures.quantizers();

  @TempDir
  Path dir;

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = QuantizerCodecTest.class.getResourceAsStream("/fixtures/" + name)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sq8-v1", "sq4-v1", "binary-v1", "bq-asym-v1", "pq-v1", "osq4-v1", "rabitq4-v1", "pq4-v2"})
  void roundTripIsBitExact(String name) throws IOException {
    Quantizer q = QUANTIZERS.get(name);
    Path file = dir.resolve(name + ".qpa");
    QuantizerCodec.write(q, "{\"strategy\":\"x\"}", file);
    QuantizerArtifact back = QuantizerCodec.read(file, q.dimension(), q.similarity());
    assertThat(back.paramsJson()).isEqualTo("{\"strategy\":\"x\"}");
    assertThat(back.formatVersion()).isEqualTo(name.endsWith("-v2") ? 2 : 1);
    assertThat(QuantizerCodec.toBytes(back.quantizer(), "{\"strategy\":\"x\"}")).isEqualTo(Files.readAllBytes(file));
    float[] probe = GoldenFixtures.probe();
    byte[] a = new byte[q.codeBytes()];
    byte[] b = new byte[q.codeBytes()];
    q.encode(probe, a, 0);
    back.quantizer().encode(probe, b, 0);
    assertThat(b).isEqualTo(a);
  }

  /** Golden v1 files written by an earlier build must read, re-encode identically, and give the same codes. */
  @ParameterizedTest
  @ValueSource(strings = {"sq8-v1", "sq4-v1", "binary-v1", "bq-asym-v1", "pq-v1", "osq4-v1", "rabitq4-v1", "pq4-v2"})
  void goldenFilesStillRead(String name) throws IOException {
    byte[] golden = fixture(name + ".qpa");
    QuantizerArtifact artifact = QuantizerCodec.read(golden, name);
    assertThat(artifact.formatVersion()).isEqualTo(name.endsWith("-v2") ? 2 : 1);
    assertThat(QuantizerCodec.toBytes(artifact.quantizer(), artifact.paramsJson())).isEqualTo(golden);
    Properties codes = new Properties();
    for (String file : GoldenFixtures.CODE_FILES) {
      try (InputStream in = QuantizerCodecTest.class.getResourceAsStream("/fixtures/" + file)) {
        codes.load(in);
      }
    }
    byte[] code = new byte[artifact.quantizer().codeBytes()];
    artifact.quantizer().encode(GoldenFixtures.probe(), code, 0);
    assertThat(HexFormat.of().formatHex(code)).isEqualTo(codes.getProperty(name));
  }

  @Test
  void flippingAnyByteIsDetected() throws IOException {
    byte[] good = fixture("sq4-v1.qpa");
    for (int i = 0; i < good.length; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      assertThatThrownBy(() -> QuantizerCodec.read(bad, "flipped")).isInstanceOf(CorruptArtifactException.class);
    }
    byte[] bad = good.clone();
    bad[100] ^= 1;
    assertThatThrownBy(() -> QuantizerCodec.read(bad, "flipped"))
        .hasMessageStartingWith("flipped: checksum mismatch: stored CRC32C 0x");
  }

  @Test
  void wrongMagicNewerVersionAndTruncationAreRefused() throws IOException {
    byte[] good = fixture("binary-v1.qpa");
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> QuantizerCodec.read(magic, "m.qpa"))
        .hasMessage("m.qpa: not a quantpipe quantizer artifact: magic 0x58504152, expected 0x51504152");
    byte[] newer = withChecksum(good, 5, (byte) 3);
    assertThatThrownBy(() -> QuantizerCodec.read(newer, "n.qpa"))
        .hasMessage("n.qpa: format version 3 is not supported: this reader reads versions 1 to 2 (written by a newer quantpipe: upgrade to read it)");
    assertThatThrownBy(() -> QuantizerCodec.read(Arrays.copyOf(good, 200), "t.qpa"))
        .hasMessageContaining("t.qpa: checksum mismatch");
    assertThatThrownBy(() -> QuantizerCodec.read(new byte[5], "tiny.qpa"))
        .hasMessage("tiny.qpa: truncated: 5 bytes is shorter than any artifact");
  }

  @Test
  void malformedPayloadWithValidChecksumIsRefused() throws IOException {
    byte[] good = fixture("binary-v1.qpa");
    byte[] unknownKind = withChecksum(good, 4, (byte) 99);
    assertThatThrownBy(() -> QuantizerCodec.read(unknownKind, "k.qpa"))
        .hasMessage("k.qpa: malformed payload: Unknown quantizer kind id 99");
  }

  /** An optimized scalar artifact is checked like every other: flipped bytes, a newer version, bad parameters. */
  @Test
  void corruptOrUnknownVersionOrMalformedOsqArtifactIsRefused() throws IOException {
    byte[] good = fixture("osq4-v1.qpa");
    for (int i = 0; i < good.length; i += 5) {
      byte[] bad = good.clone();
      bad[i] ^= 0x04;
      assertThatThrownBy(() -> QuantizerCodec.read(bad, "osq.qpa")).isInstanceOf(CorruptArtifactException.class);
    }
    assertThatThrownBy(() -> QuantizerCodec.read(withChecksum(good, 5, (byte) 9), "osq.qpa"))
        .hasMessage("osq.qpa: format version 9 is not supported: this reader reads versions 1 to 2 (written by a newer quantpipe: upgrade to read it)");
    int payload = ArtifactFormat.FIXED_HEADER + ByteBuffer.wrap(good, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 8;
    assertThatThrownBy(() -> QuantizerCodec.read(withChecksum(good, payload, (byte) 3), "osq.qpa"))
        .hasMessage("osq.qpa: malformed payload: Optimized scalar quantization supports 8, 4, 2 or 1 bits; bits=3");
    byte[] noLambda = good.clone();
    ByteBuffer.wrap(noLambda, payload + 1, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0f);
    assertThatThrownBy(() -> QuantizerCodec.read(withChecksum(noLambda, payload + 1, noLambda[payload + 1]), "osq.qpa"))
        .hasMessage("osq.qpa: malformed payload: Optimized scalar quantization needs 0 < lambda <= 1; lambda=0.0");
  }

  @Test
  void mismatchedDimensionOrMetricIsRefused() throws IOException {
    Path file = dir.resolve("pq.qpa");
    Files.write(file, fixture("pq-v1.qpa"));
    assertThatThrownBy(() -> QuantizerCodec.read(file, 384, Similarity.EUCLIDEAN))
        .hasMessage(file + ": quantizer dimension 128 does not match the data's dimension 384");
    assertThatThrownBy(() -> QuantizerCodec.read(file, 128, Similarity.DOT))
        .hasMessage(file + ": quantizer metric l2 does not match the requested metric ip");
  }

  @Test
  void manifestRecordsAndVerifiesTheArtifact() throws IOException {
    Quantizer q = QUANTIZERS.get("sq8-v1");
    Path manifest = QuantizerManifest.write(dir.resolve("sq8"), "sq8", q, Map.of("bits", 8), 42,
        new io.quantpipe.stats.DataFingerprint(1000, 128, 0xabcdefL));
    String json = Files.readString(manifest);
    assertThat(json).contains("\"strategy\" : \"sq8\"", "\"seed\" : 42", "\"hash\" : \"0000000000abcdef\"", "\"crc32c\"");
    assertThat(QuantizerManifest.verify(manifest).quantizer().codeBytes()).isEqualTo(q.codeBytes());
    Path artifact = dir.resolve("sq8").resolve(QuantizerManifest.ARTIFACT_NAME);
    byte[] bytes = Files.readAllBytes(artifact);
    bytes[20] ^= 1;
    Files.write(artifact, bytes);
    assertThatThrownBy(() -> QuantizerManifest.verify(manifest))
        .isInstanceOf(CorruptArtifactException.class)
        .hasMessageContaining("does not match its manifest");
  }

  @Test
  void unknownRaBitQPayloadVersionIsRefusedByName() throws IOException {
    byte[] good = fixture("rabitq4-v1.qpa");
    int paramsLength = ByteBuffer.wrap(good, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] newer = withChecksum(good, 24 + paramsLength, (byte) 2);
    assertThatThrownBy(() -> QuantizerCodec.read(newer, "r.qpa"))
        .isInstanceOf(CorruptArtifactException.class)
        .hasMessage("r.qpa: malformed payload: RaBitQ payload version 2 is not supported: this reader reads version 1 "
            + "(written by a newer quantpipe: upgrade to read it)");
    byte[] badBits = withChecksum(good, 24 + paramsLength + 1, (byte) 9);
    assertThatThrownBy(() -> QuantizerCodec.read(badBits, "b.qpa"))
        .hasMessage("b.qpa: malformed payload: RaBitQ supports 1 to 8 bits per dimension; bits=9");
  }

  /**
   * 4-bit PQ is version 2: the same file relabelled version 1 is refused by its ksub field, and a
   * ksub other than 16 or 256 is refused in any version.
   */
  @Test
  void pq4NeedsVersionTwoAndAKnownKsub() throws IOException {
    byte[] good = fixture("pq4-v2.qpa");
    assertThat(good[5]).isEqualTo((byte) 2);
    assertThatThrownBy(() -> QuantizerCodec.read(withChecksum(good, 5, (byte) 1), "p4.qpa"))
        .isInstanceOf(CorruptArtifactException.class)
        .hasMessage("p4.qpa: malformed payload: PQ field ksub=16 is not valid in format version 1 "
            + "(version 1 holds ksub 256; version 2 adds 16)");
    int ksubAt = ArtifactFormat.FIXED_HEADER + ByteBuffer.wrap(good, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 8 + 4;
    assertThatThrownBy(() -> QuantizerCodec.read(withChecksum(good, ksubAt, (byte) 32), "p4.qpa"))
        .hasMessage("p4.qpa: malformed payload: PQ field ksub=32 is not valid in format version 2 "
            + "(version 1 holds ksub 256; version 2 adds 16)");
    assertThat(fixture("pq-v1.qpa")[5]).isEqualTo((byte) 1);
  }

  /** Sets one byte and recomputes the checksum, to reach the checks behind it. */
  private static byte[] withChecksum(byte[] good, int index, byte value) {
    byte[] b = good.clone();
    b[index] = value;
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    return b;
  }
}
