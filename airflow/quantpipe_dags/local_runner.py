"""Runs a DAG's task commands in dependency order on this machine, as Airflow's workers would.

Trigger rules are Airflow's default (all_success): a task runs when every upstream task succeeded,
is ``upstream_failed`` when one failed and ``skipped`` when one was skipped; a task whose command
exits with its ``skip_exit_code`` is ``skipped``; a failed task is retried ``retries`` times (here
without the retry delay). Each task's output goes to ``LOG_DIR/<task_id>.log``.

    PYTHONPATH=airflow /usr/bin/python3 -m quantpipe_dags.local_runner --profile conf/local.conf --dag build
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from . import commands, graph
from .profile import ProfileError, read_profile


@dataclass(frozen=True)
class TaskRun:
    task_id: str
    state: str            # success, failed, skipped, upstream_failed
    exit_code: int | None
    attempts: int
    seconds: float
    log: Path | None


def run_tasks(tasks: list[graph.TaskSpec], log_dir: Path, cwd: Path = commands.REPO_ROOT,
              echo=print) -> dict[str, TaskRun]:
    """Runs every task in topological order; returns each task's outcome by id."""
    log_dir.mkdir(parents=True, exist_ok=True)
    runs: dict[str, TaskRun] = {}
    for task in graph.topological_order(tasks):
        upstream = [runs[u].state for u in task.upstream]
        if any(s in ("failed", "upstream_failed") for s in upstream):
            runs[task.task_id] = TaskRun(task.task_id, "upstream_failed", None, 0, 0.0, None)
        elif any(s == "skipped" for s in upstream):
            runs[task.task_id] = TaskRun(task.task_id, "skipped", None, 0, 0.0, None)
        else:
            runs[task.task_id] = _execute(task, log_dir, cwd)
        r = runs[task.task_id]
        echo(f"{task.task_id:<14} {r.state:<16} exit={r.exit_code} attempts={r.attempts} {r.seconds:6.1f} s")
    return runs


def _execute(task: graph.TaskSpec, log_dir: Path, cwd: Path) -> TaskRun:
    log = log_dir / f"{task.task_id}.log"
    t0 = time.monotonic()
    attempts, code = 0, None
    with log.open("w", encoding="utf-8") as out:
        while attempts <= task.retries:
            attempts += 1
            out.write(f"$ {' '.join(task.argv)}\n")
            out.flush()
            code = subprocess.run(list(task.argv), cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode
            if code == 0 or code == task.skip_exit_code:
                break
    seconds = time.monotonic() - t0
    state = "success" if code == 0 else "skipped" if code == task.skip_exit_code else "failed"
    return TaskRun(task.task_id, state, code, attempts, seconds, log)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profile", required=True, help="conf profile, e.g. conf/local.conf")
    p.add_argument("--dag", choices=("build", "retrain"), default="build")
    p.add_argument("--run-id", help="PipelineJob's --run-id (default: local.<dag>.<random>)")
    p.add_argument("--log-dir", default=str(commands.REPO_ROOT / "out" / "airflow-logs"),
                   help="per-task logs (default: out/airflow-logs in the repository)")
    args = p.parse_args(argv)
    try:
        profile = read_profile(args.profile)
    except ProfileError as e:
        print(f"local_runner: {e}", file=sys.stderr)
        return 2
    dag_id = graph.BUILD_DAG_ID if args.dag == "build" else graph.RETRAIN_DAG_ID
    run_id = args.run_id or f"{dag_id}.local__{uuid.uuid4().hex[:12]}"
    make = graph.build_tasks if args.dag == "build" else graph.retrain_tasks
    runs = run_tasks(make(profile, run_id), Path(args.log_dir) / run_id)
    failed = [r.task_id for r in runs.values() if r.state in ("failed", "upstream_failed")]
    if failed:
        print(f"local_runner: {dag_id} run {run_id} failed at {failed[0]}; logs in {args.log_dir}/{run_id}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
