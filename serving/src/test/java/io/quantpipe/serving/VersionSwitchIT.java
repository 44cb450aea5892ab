package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.LocalPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes, migrates (a new version with another strategy) and rolls back while clients keep
 * querying a node in its own JVM: no request fails, every response names one version, and each
 * switch is seen within two poll intervals of the pointer's change.
 */
class VersionSwitchIT {
  private static final int POLL_MS = 1000;

  @TempDir
  Path tmp;

  /** One answer as a client saw it. */
  record Seen(long atNanos, int status, int version) {}

  @Test
  void switchesVersionsUnderLoadWithoutAFailedRequest() throws Exception {
    Path root = tmp.resolve("index");
    CatalogPointer v1 = Published.publish(root, "sq8", 1);
    try (NodeProcess node = NodeProcess.start(root.toString(), tmp.resolve("cache"),
        Map.of("poll-ms", Integer.toString(POLL_MS), "drain-ms", "5000"), Map.of())) {
      NodeClient client = node.client();
      assertThat(client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30)).status()).isEqualTo(200);
      ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int offset = t;
        Thread thread = new Thread(() -> {
          for (int i = 0; !stop.get() && i < 1_000_000; i++) {
            try {
              NodeClient.Answer a = client.search(Published.queries().get((offset * 31 + i) % 100), "");
              seen.add(new Seen(System.nanoTime(), a.status(), a.json() == null ? -1 : a.json().path("version").asInt(-1)));
              if (a.status() != 200) {
                failures.add(a.status() + " " + a.body());
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        thread.start();
        clients.add(thread);
      }
      List<Long> switchMillis = new ArrayList<>();
      try {
        Thread.sleep(500);
        // Each publish switches the pointer as its last step: the clock starts when it returns.
        CatalogPointer v2 = Published.publish(root, "hybrid-pq", 2); // a migration: another strategy
        switchMillis.add(awaitVersion(seen, v2.version(), System.nanoTime()));
        LocalPublisher.switchPointer(root, v1); // a rollback: the pointer back to version 1
        switchMillis.add(awaitVersion(seen, v1.version(), System.nanoTime()));
        CatalogPointer v3 = Published.publish(root, "sq8", 3);
        switchMillis.add(awaitVersion(seen, v3.version(), System.nanoTime()));
        Thread.sleep(500);
      } finally {
        stop.set(true);
        for (Thread t : clients) {
          t.join();
        }
      }
      assertThat(failures).as("failed requests").isEmpty();
      assertThat(seen).allSatisfy(s -> assertThat(s.version()).isIn(1, 2, 3));
      assertThat(seen.size()).isGreaterThan(100);
      for (long ms : switchMillis) {
        assertThat(ms).as("switch seen after " + switchMillis + " ms (poll " + POLL_MS + " ms)").isLessThanOrEqualTo(2L * POLL_MS);
      }
      assertThat(client.get("/metrics").body()).contains("quantpipe_version_switches_total 3.0");
      assertThat(client.get("/v1/versions").json().path("served").size()).isEqualTo(4);
      assertThat(tmp.resolve("cache").resolve("v-000002")).as("a replaced version's cache is deleted once drained")
          .doesNotExist();
    }
  }

  /** Milliseconds from {@code sinceNanos} until a client first saw {@code version} answer after it. */
  private static long awaitVersion(ConcurrentLinkedQueue<Seen> seen, int version, long sinceNanos) throws InterruptedException {
    long deadline = sinceNanos + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (Seen s : seen) {
        if (s.atNanos() > sinceNanos && s.version() == version) {
          return (s.atNanos() - sinceNanos) / 1_000_000;
        }
      }
      Thread.sleep(20);
    }
    return Long.MAX_VALUE;
  }
}
