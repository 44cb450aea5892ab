package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.format.CorruptArtifactException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The current-version pointer of a published index root, {@code ROOT/_CURRENT}:
 * <pre>{"version": 3, "manifest_crc32c": 123456, "generation": 7, "switched_by": "publish"}</pre>
 * It names the version directory {@code ROOT/versions/v-000003/} and the CRC32C of that version's
 * {@code manifest.json}, so a reader checks the manifest before trusting anything it names. The
 * batch pipeline writes it last, in one atomic step; readers poll it to learn of a new version.
 *
 * <p>{@code generation} counts the pointer's switches (publishes and rollbacks) and
 * {@code switched_by} says which the last one was: a run compares them with the pointer it started
 * from before it switches (the catalog's compare-and-swap), so a rollback made during the run is
 * not silently overwritten. Pointers written before these fields read as generation 0, a publish;
 * readers ignore fields they do not know, so older readers read newer pointers.
 *
 * @param version the published version number, from 1
 * @param manifestCrc the CRC32C of the version's {@code manifest.json}, as an unsigned 32-bit value
 * @param generation the number of switches before this one, from 0
 * @param switchedBy {@link #PUBLISH} or {@link #ROLLBACK}
 */
public record CatalogPointer(int version, long manifestCrc, long generation, String switchedBy) {
  /** The pointer's file name under the root. */
  public static final String FILE = "_CURRENT";
  /** The directory holding the version directories. */
  public static final String VERSIONS = "versions";
  /** The manifest's file name inside a version directory. */
  public static final String MANIFEST = "manifest.json";
  /** The {@code format} field of every version manifest. */
  public static final String MANIFEST_FORMAT = "quantpipe-index-version";

  /** {@link #switchedBy()} of a pointer a pipeline run's publish wrote. */
  public static final String PUBLISH = "publish";
  /** {@link #switchedBy()} of a pointer a rollback wrote. */
  public static final String ROLLBACK = "rollback";

  public CatalogPointer {
    if (version < 1 || manifestCrc < 0 || manifestCrc > 0xFFFFFFFFL || generation < 0
        || !(PUBLISH.equals(switchedBy) || ROLLBACK.equals(switchedBy))) {
      throw new IllegalArgumentException(String.format("version %d, manifest_crc32c %d, generation %d, switched_by %s",
          version, manifestCrc, generation, switchedBy));
    }
  }

  /** A first-generation pointer written by a publish. */
  public CatalogPointer(int version, long manifestCrc) {
    this(version, manifestCrc, 0, PUBLISH);
  }

  /** The pointer that replaces this one: the next generation. */
  public CatalogPointer next(int version, long manifestCrc, String switchedBy) {
    return new CatalogPointer(version, manifestCrc, generation + 1, switchedBy);
  }

  /** {@code v-000003}: a version directory's name. */
  public static String dirName(int version) {
    return String.format("v-%06d", version);
  }

  /** {@code versions/v-000003}: a version directory, relative to the root. */
  public static String versionDir(int version) {
    return VERSIONS + "/" + dirName(version);
  }

  /** This version's manifest, relative to the root. */
  public String manifestPath() {
    return versionDir(version) + "/" + MANIFEST;
  }

  /**
   * Checks that {@code manifest} is the manifest this pointer names.
   *
   * @param resource names the manifest in the error
   * @throws CorruptArtifactException when its CRC32C differs from {@link #manifestCrc}
   */
  public void checkManifest(byte[] manifest, String resource) throws CorruptArtifactException {
    long crc = CodebookRelease.crc32c(manifest);
    if (crc != manifestCrc) {
      throw new CorruptArtifactException(resource, String.format(
          "checksum mismatch: CRC32C 0x%08X, the version pointer names 0x%08X", crc, manifestCrc));
    }
  }

  /**
   * Parses the pointer's bytes.
   *
   * @throws CorruptArtifactException when they are not a pointer ({@code resource} names the file)
   */
  public static CatalogPointer parse(byte[] bytes, String resource) throws CorruptArtifactException {
    try {
      JsonNode n = new ObjectMapper().readTree(bytes);
      int version = n.required("version").asInt();
      long crc = n.required("manifest_crc32c").asLong();
      return new CatalogPointer(version, crc, n.path("generation").asLong(0), n.path("switched_by").asText(PUBLISH));
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptArtifactException(resource, "unreadable version pointer: " + e.getMessage(), e);
    }
  }

  /** The pointer as written: one JSON line. */
  public byte[] toBytes() {
    String json = new ObjectMapper().createObjectNode().put("version", version).put("manifest_crc32c", manifestCrc)
        .put("generation", generation).put("switched_by", switchedBy).toString() + "\n";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
