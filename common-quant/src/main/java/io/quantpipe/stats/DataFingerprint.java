package io.quantpipe.stats;

/**
 * Identifies the data a quantizer was trained on, for the manifest: record count, dimension and a
 * 64-bit hash of (id, vector) pairs summed modulo 2^64, so it does not depend on record order or
 * partitioning. Two corpora with different fingerprints are different data; equal fingerprints are
 * strong (not cryptographic) evidence of the same data.
 *
 * @param count records seen
 * @param dims vector dimension
 * @param hash order-independent content hash
 */
public record DataFingerprint(long count, int dims, long hash) {
  /** The hash as 16 lower-case hex digits, as written in manifests. */
  public String hashHex() {
    return String.format("%016x", hash);
  }
}
