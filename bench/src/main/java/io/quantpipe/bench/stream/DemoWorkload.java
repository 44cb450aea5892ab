package io.quantpipe.bench.stream;

import io.quantpipe.vector.FloatVectors;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The stream demo's input: {@code records} inserts with ids 0..records-1, insert i carrying base
 * vector i mod n as JSON (floats in their shortest round-trip text, or base64 float32), at a fixed rate or as fast as
 * the producer goes, plus one malformed record of a rotating kind after every
 * {@value #MALFORMED_EVERY} inserts. Calls a hook once, when insert {@code swapAt} is about to be
 * sent. Single-threaded.
 */
public final class DemoWorkload {
  /** An insert in this many is followed by a malformed record. */
  public static final int MALFORMED_EVERY = 1000;
  private static final String[] MALFORMED = {
      "{\"id\": 1, \"vector\": [0.5, NaN]}",      // a non-finite value
      "{\"vector\": [0.5]}",                      // no id
      "{\"id\": 2, \"vector\": [0.5, 0.25]}",     // wrong dimension (caught by the encoder)
      "{\"id\": 3, \"vector\": [0.5, null]}",     // a null element
      "not json at all",                          // unparsable
  };
  private final FloatVectors base;
  private final long records;
  private final double rate;
  private final boolean base64;
  private final AtomicLong malformedSent = new AtomicLong();

  /**
   * @param rate records per second, or 0 for as fast as possible
   * @param base64 send vectors as {@code vector_b64} (float32 little-endian, base64) instead of decimal text
   */
  public DemoWorkload(FloatVectors base, long records, double rate, boolean base64) {
    this.base = base;
    this.records = records;
    this.rate = rate;
    this.base64 = base64;
  }

  /** Malformed records sent so far. */
  public long malformedSent() {
    return malformedSent.get();
  }

  /** The insert record of {@code id}, as produced. */
  public byte[] insert(long id) {
    float[] v = base.get((int) (id % base.count()));
    if (base64) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (float x : v) {
        b.putFloat(x);
      }
      return ("{\"id\":" + id + ",\"vector_b64\":\"" + java.util.Base64.getEncoder().encodeToString(b.array()) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder json = new StringBuilder(16 + v.length * 12).append("{\"id\":").append(id).append(",\"vector\":[");
    for (int i = 0; i < v.length; i++) {
      json.append(i == 0 ? "" : ",").append(v[i]);
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Sends everything to {@code topic}; runs {@code atSwap} just before insert {@code swapAt} (-1: never). */
  public void run(KafkaProducer<byte[], byte[]> producer, String topic, long swapAt, Runnable atSwap) {
    long start = System.nanoTime();
    for (long id = 0; id < records; id++) {
      if (id == swapAt) {
        atSwap.run();
      }
      if (rate > 0) {
        long due = start + (long) (id * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, insert(id)));
      if (id % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
        String bad = MALFORMED[(int) (malformedSent.get() % MALFORMED.length)];
        producer.send(new ProducerRecord<>(topic, null, bad.getBytes(StandardCharsets.UTF_8)));
        malformedSent.incrementAndGet();
      }
    }
    producer.flush();
  }
}
