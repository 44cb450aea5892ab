package io.quantpipe.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.index.PartitionedIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * The serving side's view of a published index: follows the current-version pointer, checks the
 * manifest's CRC32C, copies the version's {@code index/} directory to local disk (partition files
 * are memory-mapped, so they must be local) and opens it with common-quant's
 * {@link PartitionedIndex}, which verifies every file's checksum. Stateless.
 */
public final class PublishedIndex {
  /** The index directory inside a version directory. */
  public static final String INDEX_DIR = "index";

  private PublishedIndex() {}

  /** The current version's manifest, parsed. */
  public static JsonNode manifest(String rootUri, Configuration conf) throws IOException {
    return new ObjectMapper().readTree(new VersionCatalog(rootUri, conf).currentManifest());
  }

  /**
   * Copies the current version's index into {@code localDir} (created; must not exist) and opens it.
   */
  public static PartitionedIndex open(String rootUri, Configuration conf, Path localDir) throws IOException {
    VersionCatalog catalog = new VersionCatalog(rootUri, conf);
    JsonNode manifest = new ObjectMapper().readTree(catalog.currentManifest());
    int version = manifest.required("version").asInt();
    IndexStore index = new IndexStore(catalog.versionUri(version) + "/" + INDEX_DIR, conf);
    Files.createDirectories(localDir);
    for (FileStatus f : index.fileSystem().listStatus(index.root())) {
      String name = f.getPath().getName();
      if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
        index.download(name, localDir.resolve(name));
      }
    }
    return PartitionedIndex.open(localDir, true);
  }
}
