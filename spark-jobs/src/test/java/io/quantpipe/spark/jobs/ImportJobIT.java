package io.quantpipe.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.spark.options.PipelineOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import: every kind of bad row lands in the rejected table with its reason; good rows all arrive. */
class ImportJobIT extends SparkTestBase {
  @TempDir
  Path tmp;

  private static final StructType SCHEMA = new StructType()
      .add("doc_id", DataTypes.LongType, true)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  private static Float[] vec(float... v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private String table(List<Row> rows) {
    String path = tmp.resolve("table-" + rows.size()).toString();
    spark.createDataFrame(rows, SCHEMA).coalesce(2).write().parquet(path);
    return path;
  }

  private ImportJob.Result importTable(String table, double maxReject) throws Exception {
    PipelineOptions o = options(tmp.resolve("out").toString(), PipelineOptions.INPUT, table,
        PipelineOptions.ID_COLUMN, "doc_id", PipelineOptions.VECTOR_COLUMN, "embedding",
        PipelineOptions.MAX_REJECT_FRACTION, Double.toString(maxReject));
    InputSource source = InputSource.resolve(o, spark.sparkContext().hadoopConfiguration());
    String run = tmp.resolve("run-" + System.nanoTime()).toString();
    return ImportJob.run(spark, o, source, run + "/input", run + "/rejected");
  }

  @Test
  void rejectsEachBadRowWithItsReasonAndKeepsEveryGoodOne() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      rows.add(RowFactory.create(i, vec(i, 1, 2, 3)));
    }
    rows.add(RowFactory.create(100L, vec(1, 2, 3)));                   // wrong dimension
    rows.add(RowFactory.create(101L, vec(1, Float.NaN, 3, 4)));         // NaN
    rows.add(RowFactory.create(102L, vec(1, Float.POSITIVE_INFINITY, 3, 4)));
    rows.add(RowFactory.create(103L, new Float[] {1f, null, 3f, 4f}));  // null element
    rows.add(RowFactory.create(104L, null));                            // null vector
    rows.add(RowFactory.create(null, vec(1, 2, 3, 4)));                 // null id
    rows.add(RowFactory.create(-5L, vec(1, 2, 3, 4)));                  // negative id
    rows.add(RowFactory.create(7L, vec(9, 9, 9, 9)));                   // duplicate of id 7
    ImportJob.Result r = importTable(table(rows), 0.5);

    assertThat(r.dim()).isEqualTo(4);
    assertThat(r.rows()).isEqualTo(48);
    assertThat(r.valid()).isEqualTo(39); // both rows of id 7 are rejected
    assertThat(r.rejectedByReason()).containsOnly(
        Map.entry("duplicate id (2 rows)", 2L), Map.entry(ImportJob.NON_FINITE, 3L),
        Map.entry("dimension 3, expected 4", 1L), Map.entry(ImportJob.NULL_VECTOR, 1L),
        Map.entry(ImportJob.NULL_ID, 1L), Map.entry(ImportJob.NEGATIVE_ID, 1L));
    Map<Long, String> rejected = new TreeMap<>();
    for (Row row : spark.read().parquet(r.rejectedTable()).where("id is not null").collectAsList()) {
      rejected.merge(row.getLong(0), row.getString(1), (a, b) -> a);
    }
    assertThat(rejected).containsEntry(100L, "dimension 3, expected 4").containsEntry(101L, ImportJob.NON_FINITE)
        .containsEntry(104L, ImportJob.NULL_VECTOR).containsEntry(-5L, ImportJob.NEGATIVE_ID)
        .containsEntry(7L, "duplicate id (2 rows)");
    assertThat(spark.read().parquet(r.inputTable()).count()).isEqualTo(39);
    assertThat(spark.read().parquet(r.inputTable()).schema().simpleString())
        .isEqualTo("struct<id:bigint,vector:array<float>>");
  }

  @Test
  void failsWhenMoreThanTheAllowedFractionIsRejected() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 10; i++) {
      rows.add(RowFactory.create(i, i < 8 ? vec(1, 2) : vec(Float.NaN, 1)));
    }
    assertThatThrownBy(() -> importTable(table(rows), 0.1))
        .hasMessageContaining("2 of 10 input rows (20.00%) were rejected, more than max-reject-fraction=0.1")
        .hasMessageContaining("/rejected");
  }

  @Test
  void anEmptyOrAllInvalidCorpusIsAClearError() throws Exception {
    List<Row> none = List.of(RowFactory.create(1L, null));
    assertThatThrownBy(() -> importTable(table(none), 1.0)).hasMessageContaining("no non-empty vectors (empty corpus)");
    List<Row> bad = List.of(RowFactory.create(1L, vec(Float.NaN)), RowFactory.create(2L, vec(Float.NaN)));
    assertThatThrownBy(() -> importTable(table(bad), 1.0)).hasMessageContaining("no valid vectors among 2 input rows");
  }

  @Test
  void missingColumnsAndWrongTypesAreNamed() throws Exception {
    String t = table(List.of(RowFactory.create(1L, vec(1, 2))));
    PipelineOptions o = options(tmp.resolve("o").toString(), PipelineOptions.INPUT, t,
        PipelineOptions.ID_COLUMN, "id", PipelineOptions.VECTOR_COLUMN, "embedding");
    InputSource source = InputSource.resolve(o, spark.sparkContext().hadoopConfiguration());
    assertThatThrownBy(() -> ImportJob.run(spark, o, source, tmp.resolve("a").toString(), tmp.resolve("b").toString()))
        .hasMessageContaining("has no column 'id' (option 'id-column'); its columns are [doc_id, embedding]");
  }

  @Test
  void aCorruptFvecsRecordIsNamed() throws Exception {
    Path file = tmp.resolve("bad.fvecs");
    ByteBuffer b = ByteBuffer.allocate(3 * (4 + 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2).putFloat(1).putFloat(2).putInt(2).putFloat(3).putFloat(4).putInt(7).putFloat(5).putFloat(6);
    Files.write(file, b.array());
    PipelineOptions o = options(tmp.resolve("o2").toString(), PipelineOptions.INPUT, file.toString());
    InputSource source = InputSource.resolve(o, spark.sparkContext().hadoopConfiguration());
    assertThatThrownBy(() -> ImportJob.run(spark, o, source, tmp.resolve("c").toString(), tmp.resolve("d").toString()))
        .hasStackTraceContaining("record 2 declares dimension 7, expected 2");
    Files.write(file, java.util.Arrays.copyOf(b.array(), 30));
    assertThatThrownBy(() -> ImportJob.run(spark, o, source, tmp.resolve("e").toString(), tmp.resolve("f").toString()))
        .hasMessageContaining("is not a whole number of 12-byte records of dimension 2");
  }
}
