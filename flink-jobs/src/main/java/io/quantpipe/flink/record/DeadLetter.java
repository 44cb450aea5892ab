package io.quantpipe.flink.record;

/**
 * A record the job could not use, with why: written to the dead-letter topic with its original key
 * and value bytes, so it can be fixed and replayed.
 *
 * @param reason what was wrong, naming the field or value
 * @param source the record as consumed
 */
public record DeadLetter(String reason, RawRecord source) {}
