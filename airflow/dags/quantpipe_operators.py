"""Turns quantpipe_dags' task specs into Airflow operators (shared by the two DAG files).

Stages use the Spark provider's SparkSubmitOperator where the provider is installed, BashOperator
with the same command line otherwise; the retrain check is a BashOperator whose exit code 99 skips
the rest of the run. Works with Airflow 2.7+ and 3.x (SLAs are passed only where Airflow has them).
"""
from __future__ import annotations

import os
import shlex
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # airflow/, where quantpipe_dags lives

import airflow  # noqa: E402
from airflow import DAG  # noqa: E402

from quantpipe_dags import commands, graph  # noqa: E402
from quantpipe_dags.profile import read_profile  # noqa: E402

try:
    from airflow.providers.standard.operators.bash import BashOperator  # Airflow 3
except ImportError:
    from airflow.operators.bash import BashOperator  # Airflow 2
try:
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
except ImportError:
    SparkSubmitOperator = None

PROFILE = os.environ.get("QUANTPIPE_PROFILE", str(commands.REPO_ROOT / "conf" / "local.conf"))
_HAS_SLA = int(airflow.__version__.split(".")[0]) < 3


def make_dag(dag_id: str, tasks_of, schedule_key: str, doc: str) -> DAG:
    """A DAG from a profile's task specs: ids, commands, dependencies, retries and SLAs."""
    profile = read_profile(PROFILE)
    a = profile.airflow
    start = a["start-date"]
    dag = DAG(
        dag_id=dag_id,
        schedule=a[schedule_key],
        start_date=datetime(start.year, start.month, start.day),
        catchup=False,
        max_active_runs=1,  # one version directory in progress per index root
        default_args={"owner": a["owner"]},
        doc_md=f"{doc}\n\nProfile: `{profile.path}`",
        tags=["quantpipe"],
    )
    operators = {}
    for spec in tasks_of(profile, graph.RUN_ID_TEMPLATE):
        common = dict(task_id=spec.task_id, dag=dag, retries=spec.retries,
                      retry_delay=timedelta(minutes=spec.retry_delay_minutes))
        if _HAS_SLA and spec.sla_minutes:
            common["sla"] = timedelta(minutes=spec.sla_minutes)
        if spec.stage and SparkSubmitOperator is not None:
            op = SparkSubmitOperator(**common, **commands.spark_submit_operator_kwargs(
                profile, spec.stage, graph.RUN_ID_TEMPLATE))
        else:
            extra = {"skip_on_exit_code": spec.skip_exit_code} if spec.skip_exit_code is not None else {}
            op = BashOperator(**common, bash_command=shlex.join(spec.argv), cwd=str(commands.REPO_ROOT), **extra)
        operators[spec.task_id] = op
        for upstream in spec.upstream:
            operators[upstream] >> op
    return dag
