package io.quantpipe.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One {@code POST /v1/search} body, parsed and checked field by field with Jackson's streaming
 * parser (no tree: a 1536-dimension vector is 1536 numbers read straight into a float array).
 *
 * <pre>
 * {"vector": [0.1, ...] | "vector_b64": "..." | "vectors": [[...], ...],
 *  "k": 10, "nprobe": 4, "ef": 64, "oversample": 4, "filter_ids": [1, 2, ...]}
 * </pre>
 *
 * Exactly one of {@code vector}, {@code vector_b64} (base64 of little-endian float32s, as the stream
 * job's inserts) and {@code vectors} (the batch form) is given; the rest are optional and, when left
 * out, take the served version's tuned values. Every refusal is a {@link BadRequestException} naming
 * the field. Immutable once parsed (the arrays are not copied: do not modify them).
 *
 * @param queries the query vectors (one unless {@code batch})
 * @param batch whether the request used {@code vectors}, so the response is a list of results
 * @param k the hits wanted per query
 * @param nprobe partitions searched per query, or {@code null} for the version's default
 * @param ef HNSW beam width, or {@code null} for the version's default
 * @param oversample candidates rescored in float32 per hit, or {@code null} for the version's default
 * @param filterIds the only ids that may be returned, or {@code null} for all
 */
public record SearchRequest(float[][] queries, boolean batch, int k, Integer nprobe, Integer ef, Integer oversample,
    long[] filterIds) {
  static final int DEFAULT_K = 10;
  static final String FIELDS = "vector, vector_b64, vectors, k, nprobe, ef, oversample, filter_ids";
  private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /**
   * Parses a request body.
   *
   * @param maxK the largest {@code k} allowed
   * @param maxBatch the most vectors a batch may hold
   * @throws BadRequestException naming the field and the problem
   */
  public static SearchRequest parse(byte[] body, int maxK, int maxBatch) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRequestException("the body must be a JSON object with a 'vector', 'vector_b64' or 'vectors' field");
      }
      float[][] queries = null;
      boolean batch = false;
      String vectorField = null;
      int k = DEFAULT_K;
      Integer nprobe = null;
      Integer ef = null;
      Integer oversample = null;
      long[] filter = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "vector", "vector_b64", "vectors" -> {
            if (vectorField != null) {
              throw new BadRequestException("give one of 'vector', 'vector_b64' and 'vectors', not both '" + vectorField
                  + "' and '" + field + "'");
            }
            vectorField = field;
            batch = field.equals("vectors");
            queries = switch (field) {
              case "vector" -> new float[][] {floats(p, "vector")};
              case "vector_b64" -> new float[][] {base64(p)};
              default -> batch(p, maxBatch);
            };
          }
          case "k" -> k = bounded(p, "k", 1, maxK);
          case "nprobe" -> nprobe = bounded(p, "nprobe", 1, 1 << 20);
          case "ef" -> ef = bounded(p, "ef", 1, 1 << 16);
          case "oversample" -> oversample = bounded(p, "oversample", 1, 1000);
          case "filter_ids" -> filter = ids(p);
          default -> throw new BadRequestException("unknown field '" + field + "'; known fields: " + FIELDS);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new BadRequestException("malformed JSON: text after the request object");
      }
      if (queries == null) {
        throw new BadRequestException("missing field 'vector' (or 'vector_b64', or 'vectors' for a batch)");
      }
      return new SearchRequest(queries, batch, k, nprobe, ef, oversample, filter);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage() + " at " + location(e));
    } catch (IOException e) {
      throw new BadRequestException("unreadable body: " + e.getMessage());
    }
  }

  /** Refuses a query whose dimension is not the index's. */
  void checkDimension(int dimension) {
    for (int i = 0; i < queries.length; i++) {
      if (queries[i].length != dimension) {
        String field = batch ? "vectors[" + i + "]" : "vector";
        throw new BadRequestException("'" + field + "' has " + queries[i].length + " dimensions; the index's dimension is "
            + dimension);
      }
    }
  }

  private static float[] floats(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new BadRequestException("'" + field + "' must be an array of numbers; got " + describe(p));
    }
    float[] v = new float[64];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (!t.isNumeric()) {
        throw new BadRequestException("'" + field + "[" + n + "]' must be a number; got " + describe(p));
      }
      float x = p.getFloatValue(); // NaN and Infinity tokens parse (ALLOW_NON_NUMERIC_NUMBERS) so they are named here
      if (!Float.isFinite(x)) {
        throw new BadRequestException("'" + field + "[" + n + "]' is " + p.getText() + ", not a finite float32");
      }
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }
    if (n == 0) {
      throw new BadRequestException("'" + field + "' is empty");
    }
    return java.util.Arrays.copyOf(v, n);
  }

  private static float[][] batch(JsonParser p, int maxBatch) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new BadRequestException("'vectors' must be an array of arrays of numbers; got " + describe(p));
    }
    List<float[]> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (out.size() == maxBatch) {
        throw new BadRequestException("'vectors' holds more than " + maxBatch + " vectors (max-batch)");
      }
      out.add(floats(p, "vectors[" + out.size() + "]"));
    }
    if (out.isEmpty()) {
      throw new BadRequestException("'vectors' is empty");
    }
    return out.toArray(new float[0][]);
  }

  private static float[] base64(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new BadRequestException("'vector_b64' must be a string (base64 of little-endian float32s); got " + describe(p));
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(p.getText());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("'vector_b64' is not valid base64: " + e.getMessage());
    }
    if (raw.length == 0 || raw.length % 4 != 0) {
      throw new BadRequestException("'vector_b64' holds " + raw.length + " bytes, not a whole, non-zero number of float32s");
    }
    float[] v = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new BadRequestException("'vector_b64[" + i + "]' is " + v[i] + ", not a finite float32");
      }
    }
    return v;
  }

  private static int bounded(JsonParser p, String field, int min, int max) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw new BadRequestException("'" + field + "' must be an integer; got " + describe(p));
    }
    long v = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE : p.getLongValue();
    if (v < min || v > max) {
      throw new BadRequestException("'" + field + "' is " + p.getText() + "; it must be in [" + min + ", " + max + "]"
          + (field.equals("k") ? " (max-k)" : ""));
    }
    return (int) v;
  }

  private static long[] ids(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new BadRequestException("'filter_ids' must be an array of ids; got " + describe(p));
    }
    long[] ids = new long[16];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        throw new BadRequestException("'filter_ids[" + n + "]' must be an id in [0, 2^63); got " + describe(p));
      }
      if (n == ids.length) {
        ids = java.util.Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = p.getLongValue();
    }
    return java.util.Arrays.copyOf(ids, n);
  }

  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "the string \"" + abbreviate(p.getText()) + "\"";
      default -> abbreviate(p.getText());
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static String location(JsonProcessingException e) {
    var l = e.getLocation();
    return l == null ? "an unknown offset" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
  }
}
