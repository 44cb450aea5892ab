package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.format.CorruptArtifactException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The current-version pointer of a published index root, {@code ROOT/_CURRENT}:
 * <pre>{"version": 3, "manifest_crc32c": 123456}</pre>
 * It names the version directory {@code ROOT/versions/v-000003/} and the CRC32C of that version's
 * {@code manifest.json}, so a reader checks the manifest before trusting anything it names. The
 * batch pipeline writes it last, in one atomic step; readers poll it to learn of a new version.
 *
 * @param version the published version number, from 1
 * @param manifestCrc the CRC32C of the version's {@code manifest.json}, as an unsigned 32-bit value
 */
public record CatalogPointer(int version, long manifestCrc) {
  /** The pointer's file name under the root. */
  public static final String FILE = "_CURRENT";
  /** The directory holding the version directories. */
  public static final String VERSIONS = "versions";
  /** The manifest's file name inside a version directory. */
  public static final String MANIFEST = "manifest.json";
  /** The {@code format} field of every version manifest. */
  public static final String MANIFEST_FORMAT = "quantpipe-index-version";

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
      if (version < 1 || crc < 0 || crc > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("version " + version + ", manifest_crc32c " + crc);
      }
      return new CatalogPointer(version, crc);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptArtifactException(resource, "unreadable version pointer: " + e.getMessage(), e);
    }
  }

  /** The pointer as written: one JSON line. */
  public byte[] toBytes() {
    String json = new ObjectMapper().createObjectNode().put("version", version).put("manifest_crc32c", manifestCrc)
        .toString() + "\n";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
