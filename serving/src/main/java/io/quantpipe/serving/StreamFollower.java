package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the stream job's output topic to the served version: one thread reads every partition
 * of the topic from its beginning with {@code read_committed} (so only records of committed
 * checkpoints, each exactly once), keeps each id's latest record in {@link StreamedChanges} and
 * applies it to the served index at once: inserts into the delta segment, deletes as tombstones.
 *
 * <p>Consistency across versions: {@link #switchTo} replays every id's latest record onto a new
 * version before it is swapped in, under the same lock the reader applies under, so no record
 * falls between the old version and the new. A restart reads the topic from the beginning again,
 * which rebuilds the same per-id state: nothing is lost and, because applying replaces, nothing is
 * duplicated. The node commits no offsets (it is not a consumer group member; every node reads
 * everything). The topic's retention bounds what a restart can rebuild: run it with
 * {@code cleanup.policy=compact} (keyed by id, the latest record per id survives compaction) or a
 * retention longer than the rebuild cadence.
 *
 * <p>Readiness: the node is not ready until the reader has caught up with the end of the topic as
 * it was when the reader started (the log-stable offsets), so a restarted node never answers
 * without the streamed changes. Later broker outages only delay the stream; the lag and the
 * problem are reported in {@code /v1/stats}. Thread-safe.
 */
final class StreamFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long LAG_CHECK_MILLIS = 1000;

  private final ServeOptions options;
  private final Object lock = new Object();
  private final StreamedChanges changes = new StreamedChanges();
  private final Thread thread;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong inserts = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  /** Guarded by {@link #lock}. */
  private ServedVersion target;
  private Map<TopicPartition, Long> catchUpTo;
  private volatile boolean caughtUp;
  private volatile long lag = -1;
  private volatile String problem;
  private volatile String lastMalformed;
  private volatile long lastVisibilityMillis = -1;
  private volatile Instant lastApplied;
  private volatile boolean closed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  StreamFollower(ServeOptions options) {
    this.options = options;
    this.problem = "connecting to " + options.streamBrokers();
    this.thread = new Thread(this::run, "stream-follower");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the reader has reached the topic's end as it was at start-up. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** Why the node is not ready yet on account of the stream. */
  String notReadyReason() {
    long behind = lag;
    return "replaying stream topic " + options.streamTopic() + " from " + options.streamBrokers()
        + (behind >= 0 ? ": " + behind + " records behind" : "") + (problem == null ? "" : " (" + problem + ")");
  }

  /**
   * Replays the stream's changes onto {@code next}, then runs {@code swap} (which makes it the served
   * version), with the reader paused between the two so that every record lands on one side.
   */
  void switchTo(ServedVersion next, Runnable swap) {
    synchronized (lock) {
      long start = System.nanoTime();
      changes.replayInto(next.index, next.version());
      LOG.info("Replayed {} streamed ids onto version {} in {} ms", changes.size(), next.version(),
          (System.nanoTime() - start) / 1_000_000);
      target = next;
      swap.run();
    }
  }

  private void run() {
    long backoff = 0;
    while (!closed) {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
        consumer = c;
        List<TopicPartition> partitions = assign(c);
        long lastLagCheck = 0;
        while (!closed) {
          apply(c.poll(POLL));
          for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp));
          }
          if (System.currentTimeMillis() - lastLagCheck >= LAG_CHECK_MILLIS || !caughtUp) {
            lastLagCheck = System.currentTimeMillis();
            checkLag(c, partitions);
          }
          backoff = 0;
        }
      } catch (WakeupException e) {
        // close() woke the reader
      } catch (KafkaException | IllegalStateException e) {
        if (closed) {
          break;
        }
        problem = "stream consumer failed: " + e.getMessage();
        LOG.warn("Stream topic {}: {}; reconnecting", options.streamTopic(), problem);
        backoff = Math.min(options.retryMaxMillis(), Math.max(options.pollMillis(), backoff * 2));
        sleep(backoff);
      }
    }
  }

  /** Assigns every partition of the topic, waiting for it to exist; resumes from known positions. */
  private List<TopicPartition> assign(KafkaConsumer<byte[], byte[]> c) {
    long backoff = options.pollMillis();
    while (true) {
      List<PartitionInfo> infos;
      try {
        infos = c.partitionsFor(options.streamTopic(), Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        infos = null;
        problem = "cannot reach the brokers " + options.streamBrokers() + ": " + e.getMessage();
      }
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        for (TopicPartition tp : partitions) {
          Long at = positions.get(tp);
          if (at == null) {
            c.seekToBeginning(List.of(tp));
          } else {
            c.seek(tp, at);
          }
        }
        if (catchUpTo == null) {
          catchUpTo = c.endOffsets(partitions, Duration.ofSeconds(30));
          LOG.info("Reading stream topic {} ({} partitions) from the beginning; {} records to catch up", options.streamTopic(),
              partitions.size(), catchUpTo.values().stream().mapToLong(Long::longValue).sum());
        }
        problem = null;
        return partitions;
      }
      if (infos != null) {
        problem = "stream topic " + options.streamTopic() + " does not exist on " + options.streamBrokers();
      }
      LOG.warn("{}; retrying", problem);
      sleep(backoff);
      backoff = Math.min(options.retryMaxMillis(), backoff * 2);
      if (closed) {
        throw new WakeupException();
      }
    }
  }

  private void apply(ConsumerRecords<byte[], byte[]> batch) {
    if (batch.isEmpty()) {
      return;
    }
    synchronized (lock) {
      for (ConsumerRecord<byte[], byte[]> rec : batch) {
        records.incrementAndGet();
        EncodedRecord r;
        try {
          if (rec.value() == null) {
            throw new IOException("the value is null");
          }
          r = EncodedRecordJson.fromBytes(rec.value());
        } catch (IOException e) {
          long n = malformed.incrementAndGet();
          lastMalformed = rec.topic() + "-" + rec.partition() + "@" + rec.offset() + ": " + e.getMessage();
          if (n <= 10 || n % 1000 == 0) {
            LOG.warn("Skipped malformed stream record {} ({} so far)", lastMalformed, n);
          }
          continue;
        }
        (r.delete() ? deletes : inserts).incrementAndGet();
        changes.put(r);
        if (target != null) {
          changes.apply(target.index, target.version(), r);
        }
        if (r.ingestTimestamp() > 0) {
          lastVisibilityMillis = System.currentTimeMillis() - r.ingestTimestamp();
        }
      }
      lastApplied = Instant.now();
    }
  }

  private void checkLag(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends;
    try {
      ends = c.endOffsets(partitions, Duration.ofSeconds(2));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      if (problem == null) {
        LOG.warn("Stream topic {}: the brokers {} do not answer; still serving the last state", options.streamTopic(),
            options.streamBrokers());
      }
      problem = "the brokers " + options.streamBrokers() + " do not answer: " + e.getMessage();
      return;
    }
    if (problem != null) {
      LOG.info("Stream topic {} readable again", options.streamTopic());
    }
    problem = null;
    long behind = 0;
    boolean reached = true;
    for (TopicPartition tp : partitions) {
      long at = positions.getOrDefault(tp, 0L);
      behind += Math.max(0, ends.getOrDefault(tp, at) - at);
      reached &= at >= catchUpTo.getOrDefault(tp, 0L);
    }
    lag = behind;
    if (reached && !caughtUp) {
      caughtUp = true;
      LOG.info("Caught up with stream topic {}: {} records, {} ids changed", options.streamTopic(), records.get(),
          changes.size());
    }
  }

  /** The stream's figures for {@code /v1/stats}. */
  void describe(ObjectNode out) {
    out.put("topic", options.streamTopic()).put("brokers", options.streamBrokers()).put("caught_up", caughtUp)
        .put("lag_records", lag).put("records_read", records.get()).put("inserts", inserts.get())
        .put("deletes", deletes.get()).put("ids_changed", changesSize()).put("malformed", malformed.get())
        .put("unplaceable", changes.unplaceable.get()).put("rejected", changes.rejected.get())
        .put("last_visibility_ms", lastVisibilityMillis);
    Instant at = lastApplied;
    out.put("last_applied_at", at == null ? null : at.toString());
    out.put("problem", problem).put("last_malformed", lastMalformed).put("last_rejection", changes.lastRejection());
  }

  private int changesSize() {
    synchronized (lock) {
      return changes.size();
    }
  }

  long lag() {
    return lag;
  }

  long records() {
    return records.get();
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.streamBrokers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "quantpipe-serve");
    p.putAll(options.kafkaConf());
    return p;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
