"""The two DAGs' tasks: ids, commands, dependencies, retries and SLAs, as plain data.

``build``:   import -> calibrate -> train -> coarse -> encode -> hnsw -> evaluate -> gate -> publish
``retrain``: retrain_check -> (the same chain), skipped downstream when the check finds nothing to do

The gate task is never retried: a build below its floors stays below them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import commands
from .profile import STAGES, Profile

BUILD_DAG_ID = "quantpipe_build"
RETRAIN_DAG_ID = "quantpipe_retrain"
RETRAIN_CHECK = "retrain_check"
# One version directory per DAG run: the DAG's id and Airflow's run id, as PipelineJob's --run-id.
RUN_ID_TEMPLATE = "{{ dag.dag_id }}.{{ run_id }}"


@dataclass(frozen=True)
class TaskSpec:
    """One task: what it runs and how Airflow treats it."""

    task_id: str
    argv: tuple[str, ...]
    upstream: tuple[str, ...]
    retries: int
    retry_delay_minutes: float
    sla_minutes: float | None
    stage: str | None = None          # the pipeline stage (SparkSubmitOperator's), None for the check
    skip_exit_code: int | None = None


def _stage_tasks(profile: Profile, run_id: str, first_upstream: tuple[str, ...], base_dir: Path) -> list[TaskSpec]:
    tasks, upstream = [], first_upstream
    for stage in STAGES:
        tasks.append(TaskSpec(
            task_id=stage,
            argv=tuple(commands.stage_argv(profile, stage, run_id, base_dir)),
            upstream=upstream,
            retries=0 if stage == "gate" else profile.airflow["retries"],
            retry_delay_minutes=profile.airflow["retry-delay-minutes"],
            sla_minutes=profile.sla_minutes(stage),
            stage=stage))
        upstream = (stage,)
    return tasks


def build_tasks(profile: Profile, run_id: str = RUN_ID_TEMPLATE,
                base_dir: Path = commands.REPO_ROOT) -> list[TaskSpec]:
    """The full build: every stage, in order."""
    return _stage_tasks(profile, run_id, (), base_dir)


def retrain_tasks(profile: Profile, run_id: str = RUN_ID_TEMPLATE,
                  base_dir: Path = commands.REPO_ROOT) -> list[TaskSpec]:
    """The retrain: the check, then the build's chain when it says so."""
    check = TaskSpec(
        task_id=RETRAIN_CHECK,
        argv=tuple(commands.retrain_check_argv(profile, base_dir)),
        upstream=(),
        retries=profile.airflow["retries"],
        retry_delay_minutes=profile.airflow["retry-delay-minutes"],
        sla_minutes=None,
        skip_exit_code=commands.SKIP_EXIT_CODE)
    return [check] + _stage_tasks(profile, run_id, (RETRAIN_CHECK,), base_dir)


def topological_order(tasks: list[TaskSpec]) -> list[TaskSpec]:
    """The tasks with every task after its upstream ones; ValueError on a cycle or an unknown id."""
    by_id = {t.task_id: t for t in tasks}
    for t in tasks:
        for u in t.upstream:
            if u not in by_id:
                raise ValueError(f"Task '{t.task_id}' depends on unknown task '{u}'")
    done: list[TaskSpec] = []
    placed: set[str] = set()
    while len(done) < len(tasks):
        ready = [t for t in tasks if t.task_id not in placed and all(u in placed for u in t.upstream)]
        if not ready:
            raise ValueError("The task graph has a cycle among: "
                             + ", ".join(t.task_id for t in tasks if t.task_id not in placed))
        for t in ready:
            done.append(t)
            placed.add(t.task_id)
    return done
