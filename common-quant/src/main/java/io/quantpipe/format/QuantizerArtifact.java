package io.quantpipe.format;

import io.quantpipe.quant.Quantizer;

/**
 * A quantizer read back from an artifact, with what the file said about it.
 *
 * @param quantizer the decoded quantizer
 * @param paramsJson the parameters text stored in the header
 * @param formatVersion the format version the file was written in
 * @param crc32c the file's checksum, which graphs and manifests use to refer to it
 */
public record QuantizerArtifact(Quantizer quantizer, String paramsJson, int formatVersion, long crc32c) {}
