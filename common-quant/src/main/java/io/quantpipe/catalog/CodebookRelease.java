package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.IndexManifest;
import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * The files of one published version that encoders need, fetched from an index root and verified:
 * its {@code manifest.json} (CRC32C from the pointer), {@code index/index.json} (CRC32C from the
 * manifest), the quantizer artifact and the coarse centroids (CRC32Cs from {@code index.json}).
 * Raw bytes, so a streaming job can ship a release to its encoders and keep it in checkpointed
 * state unchanged; {@link Codebooks#of} decodes it.
 *
 * <p>A release is a value; its arrays must not be modified. Equality compares version and
 * manifest checksum, which identify a release.
 *
 * @param version the published version
 * @param manifestCrc the CRC32C of {@code manifest}, as the pointer names it
 * @param manifest the version's {@code manifest.json}
 * @param indexJson its {@code index/index.json}
 * @param quantizer the quantizer artifact ({@code .qpa}), or {@code null} for float32 ({@code none})
 * @param centroids the coarse centroids, fvecs
 */
public record CodebookRelease(int version, long manifestCrc, byte[] manifest, byte[] indexJson, byte[] quantizer,
    byte[] centroids) {
  /**
   * The release the root's pointer names.
   *
   * @return the release, or {@code null} when nothing is published yet (no pointer)
   * @throws CorruptArtifactException when a file fails its checksum or is not what it should be
   * @throws IOException when the storage cannot be read
   */
  public static CodebookRelease fetchCurrent(BlobStore store) throws IOException {
    byte[] pointer = store.read(CatalogPointer.FILE);
    return pointer == null ? null : fetch(store, CatalogPointer.parse(pointer, store.describe(CatalogPointer.FILE)));
  }

  /** The release {@code pointer} names. */
  public static CodebookRelease fetch(BlobStore store, CatalogPointer pointer) throws IOException {
    String dir = CatalogPointer.versionDir(pointer.version());
    byte[] manifest = required(store, pointer.manifestPath());
    pointer.checkManifest(manifest, store.describe(pointer.manifestPath()));
    JsonNode files;
    try {
      files = new ObjectMapper().readTree(manifest).required("files");
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptArtifactException(store.describe(pointer.manifestPath()), "unreadable manifest: " + e.getMessage(), e);
    }
    String indexPath = dir + "/" + files.path("index").asText("index/" + IndexManifest.FILE);
    byte[] indexJson = required(store, indexPath);
    check(store, indexPath, indexJson, files.path("index_crc32c").asLong(-1), "manifest.json");
    IndexManifest index = IndexManifest.parse(indexJson, store.describe(indexPath));
    String indexDir = indexPath.substring(0, indexPath.lastIndexOf('/') + 1);
    byte[] quantizer = null;
    if (index.quantizerCrc() != null) {
      String path = indexDir + IndexManifest.QUANTIZER_FILE;
      quantizer = required(store, path);
      // The artifact checks its own footer CRC32C on read; index.json names that checksum.
      long crc = QuantizerCodec.read(quantizer, store.describe(path)).crc32c();
      if (crc != index.quantizerCrc()) {
        throw new CorruptArtifactException(store.describe(path), String.format(
            "checksum 0x%08X, %s names 0x%08X: another version's quantizer?", crc, IndexManifest.FILE,
            index.quantizerCrc()));
      }
    }
    byte[] centroids = required(store, indexDir + IndexManifest.CENTROIDS_FILE);
    check(store, indexDir + IndexManifest.CENTROIDS_FILE, centroids, index.centroidsCrc(), IndexManifest.FILE);
    return new CodebookRelease(pointer.version(), pointer.manifestCrc(), manifest, indexJson, quantizer, centroids);
  }

  /** CRC32C of {@code bytes}, as an unsigned 32-bit value. */
  public static long crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length);
    return crc.getValue();
  }

  private static byte[] required(BlobStore store, String path) throws IOException {
    byte[] bytes = store.read(path);
    if (bytes == null) {
      throw new CorruptArtifactException(store.describe(path), "missing: the published version names it");
    }
    return bytes;
  }

  private static void check(BlobStore store, String path, byte[] bytes, long expected, String namedBy)
      throws CorruptArtifactException {
    long actual = crc32c(bytes);
    if (actual != expected) {
      throw new CorruptArtifactException(store.describe(path), String.format(
          "checksum mismatch: CRC32C 0x%08X, %s names 0x%08X", actual, namedBy, expected));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodebookRelease r && r.version == version && r.manifestCrc == manifestCrc;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(version) * 31 + Long.hashCode(manifestCrc);
  }

  @Override
  public String toString() {
    return String.format("CodebookRelease[version=%d, manifest_crc32c=0x%08X]", version, manifestCrc);
  }
}
