"""The task graph: order, dependencies, retries and SLAs of both DAGs."""
import pytest

from conftest import REPO
from quantpipe_dags import graph
from quantpipe_dags.profile import STAGES, read_profile

LOCAL = read_profile(REPO / "conf" / "local.conf")


def test_build_is_the_stage_chain_in_order():
    tasks = graph.build_tasks(LOCAL)
    assert [t.task_id for t in tasks] == list(STAGES) == [
        "import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate", "gate", "publish"]
    assert [t.upstream for t in tasks] == [()] + [(s,) for s in STAGES[:-1]]
    assert all(t.argv[-2:] == ("--run-id", graph.RUN_ID_TEMPLATE) for t in tasks)
    assert [t.task_id for t in graph.topological_order(list(reversed(tasks)))] == list(STAGES)


def test_retrain_starts_with_the_check_that_can_skip_the_run():
    tasks = graph.retrain_tasks(LOCAL, "r")
    assert tasks[0].task_id == graph.RETRAIN_CHECK and tasks[0].skip_exit_code == 99
    assert tasks[1].task_id == "import" and tasks[1].upstream == (graph.RETRAIN_CHECK,)
    assert [t.task_id for t in tasks[1:]] == list(STAGES)


def test_retries_and_slas_come_from_the_profile_and_the_gate_is_never_retried():
    pubmed = read_profile(REPO / "conf" / "pubmed-36m.conf")
    by_id = {t.task_id: t for t in graph.build_tasks(pubmed)}
    assert by_id["train"].retries == 2 and by_id["train"].retry_delay_minutes == 10
    assert by_id["gate"].retries == 0
    assert by_id["hnsw"].sla_minutes == 120 and by_id["encode"].sla_minutes == 60


def test_topological_order_refuses_cycles_and_unknown_tasks():
    a = graph.TaskSpec("a", ("true",), ("b",), 0, 1, None)
    b = graph.TaskSpec("b", ("true",), ("a",), 0, 1, None)
    with pytest.raises(ValueError, match="cycle among: a, b"):
        graph.topological_order([a, b])
    with pytest.raises(ValueError, match="depends on unknown task 'b'"):
        graph.topological_order([a])


def test_the_dag_files_compile():
    """Airflow is not installable here, so the DAG files are at least compiled (the DagBag test imports them
    where Airflow exists)."""
    import py_compile
    for name in ("quantpipe_build.py", "quantpipe_retrain.py", "quantpipe_operators.py"):
        py_compile.compile(str(REPO / "airflow" / "dags" / name), doraise=True)
