package io.quantpipe.cli;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.storage.StorageCheck;
import io.quantpipe.cli.StorageOptions;
import io.quantpipe.storage.VersionCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/quantpipe rollback}: points an index root back to an earlier complete version (the
 * newest one below the current, or {@code --to N}) in one atomic pointer write, recording that
 * version's manifest CRC32C ({@link VersionCatalog#rollback}). Nothing is deleted: rolling forward
 * again is {@code --to} the newer version. No Spark. Exit codes: 0 done, 2 no such version or
 * unreadable storage, 1 anything else.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Make an earlier complete version of an index current again.")
public final class RollbackCommand implements Callable<Integer> {
  @Option(names = "--index", required = true, description = "The index root (path or Hadoop URI).")
  String index;

  @Option(names = "--to", paramLabel = "N", description = "The version to make current (default: the one before).")
  Integer to;

  @Mixin
  StorageOptions storage;

  @Spec
  CommandSpec spec;

  /** Runs the command with its output on {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    RollbackCommand command = new RollbackCommand();
    int code = new CommandLine(command).setOut(out).setErr(err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      VersionCatalog catalog = new VersionCatalog(index, storage.configuration());
      CatalogPointer before = catalog.current();
      int now = catalog.rollback(to);
      out.printf("%s: version %d is current again (was %d)%n", index, now, before.version());
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("rollback: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("rollback: Cannot repoint " + index + ": " + StorageCheck.firstLine(e));
      return 2;
    }
  }
}
