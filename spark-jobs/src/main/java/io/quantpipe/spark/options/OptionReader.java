package io.quantpipe.spark.options;

import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.vector.Similarity;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of string settings; every failure names the key and the bad value. Package-private:
 * the options records are the public face.
 */
final class OptionReader {
  private final Map<String, String> values;

  OptionReader(Map<String, String> values) {
    this.values = values;
  }

  String string(String key) {
    return values.get(key).strip();
  }

  String optional(String key) {
    String v = values.getOrDefault(key, "").strip();
    return v.isEmpty() ? null : v;
  }

  long longValue(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw bad(key, "an integer");
    }
  }

  int atLeast(String key, int min) {
    int v;
    try {
      v = Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw bad(key, "an integer");
    }
    if (v < min) {
      throw bad(key, "an integer ≥ " + min);
    }
    return v;
  }

  int positive(String key) {
    return atLeast(key, 1);
  }

  /** A fraction in (0, 1], or [0, 1] when {@code zeroAllowed}. */
  double fraction(String key, boolean zeroAllowed) {
    double v;
    try {
      v = Double.parseDouble(string(key));
    } catch (NumberFormatException e) {
      throw bad(key, "a number");
    }
    if (!(v <= 1) || v < 0 || (v == 0 && !zeroAllowed)) {
      throw bad(key, zeroAllowed ? "a fraction in [0, 1]" : "a fraction in (0, 1]");
    }
    return v;
  }

  boolean bool(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw bad(key, "true or false");
  }

  <E extends Enum<E>> E choice(String key, Class<E> type) {
    try {
      return Enum.valueOf(type, string(key).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }

  Similarity metric(String key) {
    try {
      return Similarity.fromCliName(string(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option '" + key + "': " + e.getMessage(), e);
    }
  }

  Strategy strategy(String key) {
    try {
      return Strategy.parse(string(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option '" + key + "': " + e.getMessage(), e);
    }
  }

  HnswConfig hnsw(String mKey, String efKey, String seedKey) {
    int m = positive(mKey);
    int ef = positive(efKey);
    try {
      return new HnswConfig(m, ef, longValue(seedKey));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Options '" + mKey + "'/'" + efKey + "': " + e.getMessage(), e);
    }
  }

  private IllegalArgumentException bad(String key, String expected) {
    return new IllegalArgumentException(String.format("Option '%s' must be %s; got '%s'", key, expected, values.get(key)));
  }
}
