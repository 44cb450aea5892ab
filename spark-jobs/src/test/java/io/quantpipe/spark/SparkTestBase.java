package io.quantpipe.spark;

import io.quantpipe.spark.options.PipelineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One {@code local[2]} SparkSession per test class, UI off, Delta enabled, and the bundled
 * {@code siftsmall} dataset (10,000 SIFT vectors, 128 dims, 100 queries with exact neighbours).
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  /** The bundled TEXMEX directory, from the module directory surefire runs in. */
  public static final Path SIFTSMALL = Path.of("..", "data", "siftsmall").toAbsolutePath().normalize();

  @BeforeAll
  static void startSpark() {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    spark = SparkSession.builder().master("local[2]").appName("quantpipe-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4") // tiny test data: 200 shuffle tasks would dominate
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    if (!Files.isRegularFile(SIFTSMALL.resolve("base.fvecs"))) {
      throw new IllegalStateException("Bundled dataset missing: " + SIFTSMALL);
    }
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /** Small, fast pipeline options on siftsmall, writing to {@code output}; {@code extra} overrides. */
  protected static PipelineOptions options(String output, String... extra) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PipelineOptions.INPUT, SIFTSMALL.toString());
    m.put(PipelineOptions.OUTPUT, output);
    m.put(PipelineOptions.PARTITIONS, "4");
    m.put(PipelineOptions.PQ_ITERATIONS, "4");
    m.put(PipelineOptions.HNSW_EF_CONSTRUCTION, "64");
    m.put(PipelineOptions.EVAL_QUERIES, "20");
    for (int i = 0; i < extra.length; i += 2) {
      m.put(extra[i], extra[i + 1]);
    }
    return PipelineOptions.fromMap(m);
  }
}
