"""The local runner executes the DAGs' own task commands, in dependency order, against the bundled
dataset: a full build publishes a version; a retrain with nothing to do is skipped; a retrain set
off by a drift marker that fails its quality gate publishes nothing. These are the exact command
lines Airflow would run (the same TaskSpecs the DAG files turn into operators)."""
import json
from pathlib import Path

import pytest

from conftest import REPO, write_profile
from quantpipe_dags import graph, local_runner
from quantpipe_dags.profile import read_profile


def _spec(task_id, script, upstream=(), retries=0, skip=None):
    return graph.TaskSpec(task_id, ("sh", "-c", script), tuple(upstream), retries, 1, None, skip_exit_code=skip)


def test_trigger_rules_and_retries(tmp_path):
    flaky = tmp_path / "flaky"
    tasks = [
        _spec("ok", "exit 0"),
        _spec("flaky", f"test -f {flaky} || {{ touch {flaky}; exit 1; }}", ["ok"], retries=1),
        _spec("skip", "exit 99", ["ok"], skip=99),
        _spec("after_skip", "exit 0", ["skip"]),
        _spec("fails", "echo broken; exit 3", ["flaky"]),
        _spec("after_fail", "exit 0", ["fails"]),
    ]
    runs = local_runner.run_tasks(tasks, tmp_path / "logs", cwd=tmp_path, echo=lambda line: None)
    assert {k: r.state for k, r in runs.items()} == {
        "ok": "success", "flaky": "success", "skip": "skipped", "after_skip": "skipped",
        "fails": "failed", "after_fail": "upstream_failed"}
    assert runs["flaky"].attempts == 2 and runs["fails"].exit_code == 3
    assert "broken" in runs["fails"].log.read_text()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One full build DAG run into a fresh index root (about 3 minutes: 9 spark-submits)."""
    tmp = tmp_path_factory.mktemp("build")
    profile = write_profile(tmp / "local.conf", output=str(tmp / "index"), airflow__retries="0")
    runs = local_runner.run_tasks(graph.build_tasks(read_profile(profile), "quantpipe_build.ci"), tmp / "logs")
    return tmp, profile, runs


def _current(root: Path) -> int:
    return json.loads((root / "_CURRENT").read_text())["version"]


def test_the_build_dag_publishes_a_version(built):
    tmp, _, runs = built
    failed = [r for r in runs.values() if r.state != "success"]
    assert not failed, "\n".join(f"{r.task_id}: {r.state}\n{r.log.read_text()[-3000:]}" for r in failed)
    root = tmp / "index"
    assert _current(root) == 1
    manifest = json.loads((root / "versions" / "v-000001" / "manifest.json").read_text())
    assert manifest["evaluation"]["recall@10"] >= 0.95
    assert manifest["size"]["compression_ratio"] >= 8
    assert set(manifest["stage_seconds"]) == {"import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate"}
    gate = json.loads((root / "versions" / "v-000001" / "stages" / "gate.json").read_text())
    assert gate["passed"] is True
    assert json.loads((root / "runs" / "quantpipe_build.ci.json").read_text())["version"] == 1


def test_a_retrain_without_drift_is_skipped(built):
    tmp, profile, _ = built
    runs = local_runner.run_tasks(graph.retrain_tasks(read_profile(profile), "quantpipe_retrain.quiet"),
                                  tmp / "logs-quiet")
    assert runs["retrain_check"].state == "skipped", runs["retrain_check"].log.read_text()
    assert "no retrain: version 1" in runs["retrain_check"].log.read_text()
    assert {r.state for k, r in runs.items() if k != "retrain_check"} == {"skipped"}
    assert _current(tmp / "index") == 1


def test_a_drifted_retrain_below_its_gate_publishes_nothing(built):
    tmp, _, _ = built
    root = tmp / "index"
    (root / "_DRIFT").write_text(json.dumps({"event": "quantization_drift", "codebook_version": 1,
                                             "drifted": True, "reason": "error ratio 1.80 > 1.5"}))
    strict = write_profile(tmp / "strict.conf", output=str(root), airflow__retries="0", gate_min_recall="0.999")
    runs = local_runner.run_tasks(graph.retrain_tasks(read_profile(strict), "quantpipe_retrain.drift"),
                                  tmp / "logs-drift")
    states = {k: r.state for k, r in runs.items()}
    assert states["retrain_check"] == "success"
    assert "drift marker" in runs["retrain_check"].log.read_text()
    assert all(states[s] == "success" for s in ("import", "calibrate", "train", "coarse", "encode", "hnsw",
                                                "evaluate")), states
    assert states["gate"] == "failed" and runs["gate"].exit_code == 3
    assert "quality gate failed for version 2" in runs["gate"].log.read_text()
    assert states["publish"] == "upstream_failed"
    assert _current(root) == 1
    assert not (root / "versions" / "v-000002" / "manifest.json").exists()
