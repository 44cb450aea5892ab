package io.quantpipe.config;

import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.vector.Similarity;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of string settings, for the jobs' options records (the Spark pipeline's, the Flink
 * stream's); every failure names the key and the bad value. Not thread-safe; used once per record.
 */
public final class OptionReader {
  private final Map<String, String> values;

  /** Keys that hold credentials (S3A's keys and tokens, per-bucket ones too, any password). */
  private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(
      "(?i).*(access\\.key|secret\\.key|session\\.token|password|jaas\\.config)$");

  /**
   * Checks {@code settings} against the known keys and returns them over the defaults. Keys
   * starting with {@code passThroughPrefix} (an engine's own settings, {@code spark.} or
   * {@code flink.}) are moved to {@code passThrough} instead.
   *
   * @throws IllegalArgumentException for an unknown key (listing the known ones), a missing required
   *     one, or a credential (profiles are committed and shared; secrets come from the environment)
   */
  public static Map<String, String> withDefaults(Map<String, String> settings, Map<String, String> defaults,
      java.util.Set<String> required, String passThroughPrefix, Map<String, String> passThrough) {
    Map<String, String> all = new java.util.TreeMap<>(defaults);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = e.getKey();
      checkNotSecret(key);
      if (key.startsWith(passThroughPrefix)) {
        passThrough.put(key, e.getValue());
      } else if (defaults.containsKey(key) || required.contains(key)) {
        all.put(key, e.getValue());
      } else {
        java.util.TreeSet<String> known = new java.util.TreeSet<>(defaults.keySet());
        known.addAll(required);
        throw new IllegalArgumentException("Unknown option '" + key + "'; known options: " + String.join(", ", known)
            + ", and " + passThroughPrefix + "* settings");
      }
    }
    for (String key : required) {
      if (all.getOrDefault(key, "").isBlank()) {
        throw new IllegalArgumentException("Option '" + key + "' is required");
      }
    }
    return all;
  }

  /**
   * Refuses a key that holds a credential, whatever its prefix.
   *
   * @throws IllegalArgumentException naming the key and where credentials belong instead
   */
  public static void checkNotSecret(String key) {
    if (SECRET.matcher(key).matches()) {
      throw new IllegalArgumentException("Option '" + key + "' is a credential: profiles must not hold secrets. "
          + "Give S3 credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
          + "AWS_SESSION_TOKEN) or an instance profile");
    }
  }

  public OptionReader(Map<String, String> values) {
    this.values = values;
  }

  public String string(String key) {
    return values.get(key).strip();
  }

  public String optional(String key) {
    String v = values.getOrDefault(key, "").strip();
    return v.isEmpty() ? null : v;
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw bad(key, "an integer");
    }
  }

  public int atLeast(String key, int min) {
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

  public int positive(String key) {
    return atLeast(key, 1);
  }

  /** A fraction in (0, 1], or [0, 1] when {@code zeroAllowed}. */
  public double fraction(String key, boolean zeroAllowed) {
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

  /** A finite number at least {@code min}. */
  public double doubleAtLeast(String key, double min) {
    return bounded(key, min, true);
  }

  /** A finite number strictly greater than {@code min}. */
  public double doubleAbove(String key, double min) {
    return bounded(key, min, false);
  }

  private double bounded(String key, double min, boolean inclusive) {
    String expected = (inclusive ? "a number >= " : "a number > ") + min;
    double v;
    try {
      v = Double.parseDouble(string(key));
    } catch (NumberFormatException e) {
      throw bad(key, expected);
    }
    if (!(inclusive ? v >= min : v > min) || !Double.isFinite(v)) {
      throw bad(key, expected);
    }
    return v;
  }

  public boolean bool(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw bad(key, "true or false");
  }

  public <E extends Enum<E>> E choice(String key, Class<E> type) {
    try {
      return Enum.valueOf(type, string(key).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }

  public Similarity metric(String key) {
    try {
      return Similarity.fromCliName(string(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option '" + key + "': " + e.getMessage(), e);
    }
  }

  public Strategy strategy(String key) {
    try {
      return Strategy.parse(string(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option '" + key + "': " + e.getMessage(), e);
    }
  }

  public HnswConfig hnsw(String mKey, String efKey, String seedKey) {
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
