package io.quantpipe.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FvecsReaderTest {
  @TempDir
  Path dir;

  /** Writes raw records: each {dim, values...}. */
  private Path write(String name, float[]... records) throws IOException {
    int bytes = 0;
    for (float[] r : records) {
      bytes += 4 + 4 * (r.length - 1);
    }
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : records) {
      buf.putInt((int) r[0]);
      for (int i = 1; i < r.length; i++) {
        buf.putFloat(r[i]);
      }
    }
    Path p = dir.resolve(name);
    Files.write(p, buf.array());
    return p;
  }

  @Test
  void readsRealSiftsmallExactly() throws IOException {
    FloatVectors base = FvecsReader.readFvecs(TestData.siftsmall().resolve("base.fvecs"));
    assertThat(base.count()).isEqualTo(10_000);
    assertThat(base.dim()).isEqualTo(128);
    // SIFT values are whole numbers 0..180 (shared/data/siftsmall/README.md)
    for (float v : base.data()) {
      assertThat(v).isBetween(0f, 255f).isEqualTo((float) Math.rint(v));
    }
    int[][] gt = FvecsReader.readIvecs(TestData.siftsmall().resolve("groundtruth.ivecs"));
    assertThat(gt).hasNumberOfRows(100);
    assertThat(gt[0]).hasSize(100);
  }

  @Test
  void roundTripsThroughWriter() throws IOException {
    FloatVectors v = TestData.siftBase(50);
    Path p = dir.resolve("copy.fvecs");
    FvecsWriter.writeFvecs(p, v);
    assertThat(FvecsReader.readFvecs(p).data()).isEqualTo(v.data());
    assertThat(Files.size(p)).isEqualTo(50L * (4 + 4 * 128));
  }

  @Test
  void rejectsInconsistentDimensionNamingRecord() throws IOException {
    Path p = write("mixed.fvecs", new float[] {2, 1, 2}, new float[] {2, 3, 4}, new float[] {3, 1, 2, 3});
    assertThatThrownBy(() -> FvecsReader.readFvecs(p))
        .isInstanceOf(VectorFileException.class)
        .hasMessage(p + ": record 2: dimension 3 differs from the first record's 2");
  }

  @Test
  void rejectsNanAndInfinityNamingRecordAndDimension() throws IOException {
    Path nan = write("nan.fvecs", new float[] {2, 1, 2}, new float[] {2, 3, Float.NaN});
    assertThatThrownBy(() -> FvecsReader.readFvecs(nan))
        .hasMessage(nan + ": record 1: dimension 1 is NaN (NaN and infinity are not vectors)");
    Path inf = write("inf.fvecs", new float[] {2, Float.NEGATIVE_INFINITY, 2});
    assertThatThrownBy(() -> FvecsReader.readFvecs(inf))
        .hasMessage(inf + ": record 0: dimension 0 is -Infinity (NaN and infinity are not vectors)");
  }

  @Test
  void rejectsTruncatedRecord() throws IOException {
    Path p = write("whole.fvecs", new float[] {4, 1, 2, 3, 4}, new float[] {4, 5, 6, 7, 8});
    byte[] bytes = Files.readAllBytes(p);
    Path cut = dir.resolve("cut.fvecs");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 6));
    assertThatThrownBy(() -> FvecsReader.readFvecs(cut))
        .hasMessage(cut + ": record 1: truncated record: ends after 2 of 4 values");
    Path stray = dir.resolve("stray.fvecs");
    Files.write(stray, Arrays.copyOf(bytes, bytes.length + 2));
    assertThatThrownBy(() -> FvecsReader.readFvecs(stray))
        .hasMessage(stray + ": record 2: truncated record: 2 stray bytes at the end of the file");
  }

  @Test
  void rejectsEmptyFileAndGarbageDimension() throws IOException {
    Path empty = dir.resolve("empty.fvecs");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> FvecsReader.readFvecs(empty))
        .hasMessage(empty + ": empty input: the file holds no vectors");
    Path garbage = write("garbage.fvecs", new float[] {-5, 1});
    assertThatThrownBy(() -> FvecsReader.readFvecs(garbage))
        .hasMessageContaining("record 0: invalid dimension -5");
  }
}
