package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.vector.Similarity;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying streamed records to a real published index: replace semantics, codes, re-encoding, replay. */
class StreamedChangesTest {
  @TempDir
  Path tmp;
  private Path dir;
  private PartitionedIndex index;
  private Quantizer quantizer;
  private final StreamedChanges changes = new StreamedChanges();
  private final float[] fresh = Published.queries().get(0); // not a base vector

  @BeforeEach
  void publish() throws Exception {
    Path root = tmp.resolve("index");
    Published.publish(root, "hybrid-pq", 1);
    String version = new VersionCatalog(root.toString(), new Configuration()).versionUri(1);
    dir = Path.of(new org.apache.hadoop.fs.Path(version).toUri().getPath()).resolve(PublishedIndex.INDEX_DIR);
    index = PartitionedIndex.open(dir, true);
    quantizer = QuantizerCodec.read(dir.resolve(IndexManifest.QUANTIZER_FILE), 128, Similarity.EUCLIDEAN).quantizer();
  }

  @Test
  void aCodeOfTheServedVersionIsUsedAndItsVectorRescoresIt() {
    byte[] code = new byte[quantizer.codeBytes()];
    quantizer.encode(fresh, code, 0);
    assertThat(changes.apply(index, 1, insert(5000, 1, code, fresh))).isEqualTo(StreamedChanges.Outcome.INSERTED_CODE);
    assertTop(5000, fresh);
    assertThat(index.deltaCount()).isEqualTo(1);
  }

  @Test
  void aRecordEncodedWithOtherCodebooksIsReencodedFromItsVector() {
    assertThat(changes.apply(index, 1, insert(5000, 7, new byte[3], fresh))).isEqualTo(StreamedChanges.Outcome.REENCODED);
    assertTop(5000, fresh);
  }

  @Test
  void withoutAMatchingCodeOrAVectorTheIdIsCountedNotServed() {
    assertThat(changes.apply(index, 1, insert(17, 7, new byte[quantizer.codeBytes()], null)))
        .isEqualTo(StreamedChanges.Outcome.UNPLACEABLE);
    assertThat(changes.unplaceable.get()).isEqualTo(1);
    assertThat(ids(Published.base().get(17))).doesNotContain(17L); // the old vector of id 17 is gone too
  }

  @Test
  void anInsertOfALiveIdReplacesItAndDeletesAreIdempotent() {
    long before = index.liveCount();
    changes.apply(index, 1, insert(3, 7, new byte[0], fresh));
    assertThat(index.liveCount()).isEqualTo(before);
    assertTop(3, fresh);
    EncodedRecord delete = new EncodedRecord(3, true, 1, -1, new byte[0], null, 0, 0, 2);
    assertThat(changes.apply(index, 1, delete)).isEqualTo(StreamedChanges.Outcome.DELETED);
    assertThat(changes.apply(index, 1, delete)).isEqualTo(StreamedChanges.Outcome.DELETED);
    assertThat(index.liveCount()).isEqualTo(before - 1);
    assertThat(index.tombstoneCount()).isEqualTo(1);
    assertThat(ids(fresh)).doesNotContain(3L);
  }

  @Test
  void replayAppliesEachIdsLatestRecordOnly() throws Exception {
    changes.put(insert(5000, 1, new byte[0], fresh), true);
    changes.put(new EncodedRecord(5000, true, 1, -1, new byte[0], null, 0, 0, 9), true);
    changes.put(new EncodedRecord(11, true, 1, -1, new byte[0], null, 0, 1, 3), true);
    changes.put(insert(5001, 1, new byte[0], Published.queries().get(1)), true);
    PartitionedIndex next = PartitionedIndex.open(dir, false);
    changes.replayInto(next, 2);
    assertThat(next.liveCount()).isEqualTo(index.liveCount()); // -11, +5001
    assertThat(next.deltaCount()).isEqualTo(1);
    assertThat(next.search(fresh, 10, 64, 4, 4, null).ids()).doesNotContain(5000L);
    assertThat(next.search(Published.base().get(11), 10, 64, 4, 4, null).ids()).doesNotContain(11L);
  }

  @Test
  void readOutOfOrderTheLaterRecordByTimestampThenOffsetWins() {
    EncodedRecord delete = new EncodedRecord(5000, true, 1, -1, new byte[0], null, 100, -1, 9);
    EncodedRecord earlierInsert = new EncodedRecord(5000, false, 1, 0, new byte[0], fresh, 100, -1, 4);
    EncodedRecord laterInsert = new EncodedRecord(5000, false, 1, 0, new byte[0], fresh, 101, -1, 2);
    assertThat(changes.put(delete, false)).isTrue();
    assertThat(changes.put(earlierInsert, false)).as("same time, lower offset: older").isFalse();
    assertThat(changes.put(laterInsert, false)).as("later time, whatever the offset").isTrue();
    assertThat(changes.put(delete, true)).as("read in order, the last read wins").isTrue();
  }

  @Test
  void aVectorTheVersionCannotTakeIsRejectedWithItsId() {
    assertThat(changes.apply(index, 1, insert(5000, 7, new byte[0], new float[5])))
        .isEqualTo(StreamedChanges.Outcome.REJECTED);
    assertThat(changes.lastRejection()).contains("id 5000", "version 1", "dimension 5");
  }

  private static EncodedRecord insert(long id, int codebookVersion, byte[] code, float[] vector) {
    return new EncodedRecord(id, false, codebookVersion, 0, code, vector, 0, 0, id);
  }

  private void assertTop(long id, float[] vector) {
    IndexHits hits = index.search(vector, 10, 64, 4, 4, null);
    assertThat(hits.ids()[0]).isEqualTo(id);
  }

  private java.util.List<Long> ids(float[] vector) {
    return java.util.Arrays.stream(index.search(vector, 10, 64, 4, 4, null).ids()).boxed().toList();
  }
}
