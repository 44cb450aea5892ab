package io.quantpipe.serving;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The node's log: SLF4J (the node's, Jetty's, Kafka's and Hadoop's) through the JDK's own
 * {@code java.util.logging}, configured here rather than from a file. A node that starts in about a
 * second cannot spend half of it starting a logging framework: Log4j's configuration costs about
 * 1.3 s of one core, the JDK's logging almost nothing (its classes are in the JDK's class archive).
 *
 * <p>Lines look as Log4j printed them: {@code 2026-12-07 05:15:04.117 INFO  [version-follower]
 * VersionLoader: ...} to the file {@code -Dquantpipe.log.file} names (bin/quantpipe names one
 * under {@code out/logs/}) and to standard error at {@code -Dquantpipe.log.console} and above in
 * the short form {@code 05:15:04 INFO VersionLoader: ...}; without a file (the node's jar run as
 * {@code java -jar}) everything from INFO goes to standard output in the long form, as a daemon
 * under systemd or a container runtime is expected to log. Jetty and Kafka log warnings only: the
 * node logs what matters of them. Call {@link #configure} once, before the first logger is made.
 */
final class NodeLog {
  /** JDK loggers are held weakly: a level set on one that is collected is lost. */
  private static final List<Logger> QUIETED = List.of(Logger.getLogger("org.eclipse.jetty"),
      Logger.getLogger("org.apache.kafka"), Logger.getLogger("org.apache.hadoop.util.NativeCodeLoader"));

  private NodeLog() {}

  /**
   * Points the JDK's logging at the file and console the system properties name.
   *
   * @throws IOException when the log file cannot be opened
   */
  static void configure() throws IOException {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(Level.INFO);
    QUIETED.get(0).setLevel(Level.WARNING);
    QUIETED.get(1).setLevel(Level.WARNING);
    QUIETED.get(2).setLevel(Level.SEVERE);
    String file = System.getProperty("quantpipe.log.file");
    if (file == null) {
      root.addHandler(handler(System.out, new Line(true), Level.INFO));
      return;
    }
    Path path = Path.of(file);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    root.addHandler(handler(Files.newOutputStream(path), new Line(true), Level.INFO));
    root.addHandler(handler(System.err, new Line(false), level(System.getProperty("quantpipe.log.console", "WARN"))));
  }

  /** A handler that writes each line through at once: a log read while the node runs is complete. */
  private static Handler handler(OutputStream out, Formatter format, Level level) {
    StreamHandler h = new StreamHandler(out, format) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    h.setLevel(level);
    return h;
  }

  private static Level level(String name) {
    return switch (name.toUpperCase(java.util.Locale.ROOT)) {
      case "ERROR" -> Level.SEVERE;
      case "WARN" -> Level.WARNING;
      case "DEBUG" -> Level.FINE;
      case "TRACE" -> Level.FINEST;
      default -> Level.INFO;
    };
  }

  /** One record as one line (plus its stack trace), with SLF4J's level names. */
  private static final class Line extends Formatter {
    private static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
        .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private final boolean full;

    Line(boolean full) {
      this.full = full;
    }

    @Override
    public String format(LogRecord r) {
      String name = r.getLoggerName() == null ? "" : r.getLoggerName();
      StringBuilder b = new StringBuilder(160);
      Instant at = r.getInstant();
      if (full) {
        b.append(LONG.format(at)).append(' ').append(String.format("%-5s", levelName(r.getLevel()))).append(" [")
            .append(Thread.currentThread().getName()).append("] ");
      } else {
        b.append(SHORT.format(at)).append(' ').append(levelName(r.getLevel())).append(' ');
      }
      b.append(name.substring(name.lastIndexOf('.') + 1)).append(": ").append(formatMessage(r))
          .append(System.lineSeparator());
      if (r.getThrown() != null) {
        StringWriter trace = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(trace));
        b.append(trace);
      }
      return b.toString();
    }

    private static String levelName(Level level) {
      int v = level.intValue();
      return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
          : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }
  }
}
