package io.quantpipe.bench.stream;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** Waits for a submitted Flink job's tasks to run, so the demo's clock starts with the job. Stateless. */
final class RunningJob {
  private RunningJob() {}

  /** Returns once {@code job} is RUNNING (at most a minute) and its tasks had a second to deploy. */
  static void await(JobClient job) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1000); // tasks deploy after the job turns RUNNING
  }
}
