package io.quantpipe.spark.io;

import io.quantpipe.storage.IndexStore;

import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.options.PipelineOptions.InputFormat;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the corpus and its queries are, once {@code input} is resolved: a TEXMEX directory
 * ({@code base.fvecs}, optional {@code query.fvecs}), an fvecs file, a Delta table (a directory
 * with {@code _delta_log}) or a Parquet table.
 *
 * @param format the resolved format (never {@code AUTO})
 * @param corpus the fvecs file or table to import
 * @param queries the held-out query file (fvecs), or {@code null} to hold rows of the corpus out
 */
public record InputSource(InputFormat format, String corpus, String queries) {
  public static final String TEXMEX_BASE = "base.fvecs";
  public static final String TEXMEX_QUERY = "query.fvecs";

  /** Resolves the options' input, failing with a clear message when it does not exist. */
  public static InputSource resolve(PipelineOptions options, Configuration conf) throws IOException {
    Path input = new Path(options.input());
    FileSystem fs = input.getFileSystem(conf);
    if (!fs.exists(input)) {
      throw new IllegalArgumentException("Input " + options.input() + " does not exist (option 'input')");
    }
    InputFormat format = options.inputFormat();
    String corpus = options.input();
    String queries = options.queries();
    boolean dir = fs.getFileStatus(input).isDirectory();
    if (format == InputFormat.AUTO) {
      if (dir && fs.exists(new Path(input, TEXMEX_BASE))) {
        format = InputFormat.FVECS;
      } else if (!dir && input.getName().endsWith(".fvecs")) {
        format = InputFormat.FVECS;
      } else if (dir && fs.exists(new Path(input, "_delta_log"))) {
        format = InputFormat.DELTA;
      } else {
        format = InputFormat.PARQUET;
      }
    }
    if (format == InputFormat.FVECS && dir) {
      corpus = new Path(input, TEXMEX_BASE).toString();
      Path q = new Path(input, TEXMEX_QUERY);
      if (queries == null && fs.exists(q)) {
        queries = q.toString();
      }
      if (!fs.exists(new Path(corpus))) {
        throw new IllegalArgumentException("Input " + options.input() + " is a directory without " + TEXMEX_BASE);
      }
    }
    if (queries != null && !new Path(queries).getFileSystem(conf).exists(new Path(queries))) {
      throw new IllegalArgumentException("Queries " + queries + " do not exist (option 'queries')");
    }
    // Qualified on the driver: executors resolve relative paths against their own working directories.
    return new InputSource(format, IndexStore.qualified(corpus, conf),
        queries == null ? null : IndexStore.qualified(queries, conf));
  }
}
