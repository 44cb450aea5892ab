package io.quantpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git revision this CLI was built from, read once from {@code quantpipe-build.properties}
 * (filled in by Maven at build time). Immutable.
 *
 * @param version the project version
 * @param revision the abbreviated commit id, {@code +dirty} when the tree had uncommitted changes,
 *     or {@code unknown} outside a git checkout
 */
record BuildInfo(String version, String revision) {
  private static final BuildInfo INSTANCE = load();

  static BuildInfo get() {
    return INSTANCE;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/quantpipe-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read quantpipe-build.properties from the CLI's jar", e);
    }
    String revision = p.getProperty("revision", "");
    if (revision.isBlank() || revision.startsWith("${")) {
      revision = "unknown";
    } else if ("true".equals(p.getProperty("dirty"))) {
      revision += "+dirty";
    }
    return new BuildInfo(p.getProperty("version", "unknown"), revision);
  }
}
