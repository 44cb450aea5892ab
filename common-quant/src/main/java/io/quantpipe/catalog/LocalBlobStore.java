package io.quantpipe.catalog;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** A {@link BlobStore} over a directory of the local file system. Immutable and thread-safe. */
public final class LocalBlobStore implements BlobStore {
  private final Path root;

  public LocalBlobStore(Path root) {
    this.root = root;
  }

  @Override
  public byte[] read(String relativePath) throws IOException {
    try {
      return Files.readAllBytes(root.resolve(relativePath));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    try {
      return Files.newInputStream(root.resolve(relativePath));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(describe(relativePath));
    }
  }

  @Override
  public Optional<Path> localFile(String relativePath) {
    return Optional.of(root.resolve(relativePath));
  }

  @Override
  public String describe(String relativePath) {
    return root.resolve(relativePath).toUri().toString();
  }
}
