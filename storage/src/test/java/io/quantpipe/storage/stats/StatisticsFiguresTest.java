package io.quantpipe.storage.stats;


import io.quantpipe.report.TextTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arithmetic and layout stats prints: partition balance, decimal sizes, the aligned table,
 * and the errors each refuses bad input with.
 */
class StatisticsFiguresTest {
  @Test
  void evenPartitionsHaveRatioOneAndNoVariation() {
    IndexStatistics.Balance b = IndexStatistics.Balance.of(new long[] {250, 250, 250, 250});
    assertThat(b).isEqualTo(new IndexStatistics.Balance(250, 250, 250.0, 1.0, 0.0));
  }

  @Test
  void anEmptyPartitionCountsInTheBalance() {
    // Mean 2, population standard deviation 2: max/mean 2 and a coefficient of variation of 1.
    IndexStatistics.Balance b = IndexStatistics.Balance.of(new long[] {0, 4});
    assertThat(b.min()).isZero();
    assertThat(b.max()).isEqualTo(4);
    assertThat(b.mean()).isEqualTo(2.0);
    assertThat(b.maxOverMean()).isEqualTo(2.0);
    assertThat(b.coefficientOfVariation()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void noPartitionsIsRefused() {
    assertThatThrownBy(() -> IndexStatistics.Balance.of(new long[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Cannot measure the balance of no partitions");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "none       | sign(P(x-mean)) | --metric l2 --strategies none --seed 42 --k 10",
      "sq8        | sign(P(x-mean)) | --metric l2 --strategies sq8 --calibration-samples 10000 --seed 42 --k 10",
      "bq-asym    | sign(P(x-mean)) | --metric l2 --strategies bq-asym --seed 42 --k 10",
      "hybrid-bq  | sign(x-mean)    | --metric l2 --strategies hybrid-bq --no-rotate --oversample 4 --seed 42 --k 10",
      "pq         | sign(x-mean)    | --metric l2 --strategies pq --pq-m 16 --pq-iterations 10 --train-samples 20000 --seed 42 --k 10"})
  void eachStrategyGetsTheEvaluateOptionsItUses(String strategy, String encoding, String expected) throws Exception {
    JsonNode options = new ObjectMapper().readTree("{\"pq-m\": \"0\", \"pq-iterations\": \"10\", "
        + "\"train-samples\": \"20000\", \"calibration-samples\": \"10000\", \"eval-oversample\": \"4\", "
        + "\"seed\": \"42\", \"eval-k\": \"10\"}");
    // The artifact's header records what pq-m = 0 resolved to, and whether bq-asym rotated.
    Map<String, Object> params = Map.of("M", 16, "encoding", encoding);
    assertThat(EvaluateOptions.of(strategy, "l2", options, params)).isEqualTo(expected);
  }

  @Test
  void sizesAreInDecimalUnits() {
    assertThat(StatisticsReport.decimal(999)).isEqualTo("999 B");
    assertThat(StatisticsReport.decimal(160_000)).isEqualTo("160.00 kB");
    assertThat(StatisticsReport.decimal(5_120_000)).isEqualTo("5.12 MB");
    assertThat(StatisticsReport.decimal(221_184_000_000L)).isEqualTo("221.18 GB");
  }

  @Test
  void tableColumnsAlignFiguresRight() {
    String table = new TextTable("item", "bytes").row("codes", "160,000").row("model (quantizer.qpa)", "131")
        .render(2);
    assertThat(table).isEqualTo(""
        + "  item                     bytes\n"
        + "  ------------------------------\n"
        + "  codes                  160,000\n"
        + "  model (quantizer.qpa)      131\n");
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    assertThatThrownBy(() -> new TextTable("a", "b").row("1", "2", "3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot add a row of 3 cells to a table of 2 columns: 1 | 2 | 3");
    assertThatThrownBy(TextTable::new).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot make a table without columns");
  }
}
