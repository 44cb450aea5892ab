"""The command lines the DAG tasks run, built from a profile.

Every pipeline stage is one ``spark-submit`` of the Spark job jar's ``io.quantpipe.spark.PipelineJob``
with ``--stage NAME --run-id ID``; the profile's ``spark.*`` keys become ``--conf`` settings (so the
driver's memory is set before its JVM starts) and, in cluster mode, the profile itself is shipped
with ``--files`` and named by its base name. The retrain check is one command whose exit code says
whether to retrain (0) or not (SKIP_EXIT_CODE).
"""
from __future__ import annotations

from pathlib import Path

from .profile import STAGES, Profile

MAIN_CLASS = "io.quantpipe.spark.PipelineJob"
SKIP_EXIT_CODE = 99   # RetrainCheck: nothing to do; Airflow marks the task (and the chain) skipped
GATE_EXIT_CODE = 3    # PipelineJob: the quality gate failed, nothing was published
REPO_ROOT = Path(__file__).resolve().parents[2]


def _local(value: str, base_dir: Path) -> str:
    """A path the profile gives relative to the repository, made absolute; URIs stay as they are."""
    if "://" in value or value.startswith("/"):
        return value
    return str((base_dir / value).resolve())


def _program(value: str, base_dir: Path) -> list[str]:
    """A command prefix: its first word is a program, relative to the repository when it has a '/'."""
    words = value.split()
    if "/" in words[0] and not words[0].startswith("/"):
        words[0] = str((base_dir / words[0]).resolve())
    return words


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"Unknown stage '{stage}'; stages: {', '.join(STAGES)}")


def job_arguments(profile: Profile, stage: str, run_id: str) -> list[str]:
    """PipelineJob's own arguments (after the application jar)."""
    _check_stage(stage)
    cluster = profile.airflow["deploy-mode"] == "cluster"
    conf = profile.path.name if cluster else str(profile.path.resolve())
    return ["--conf", conf, "--stage", stage, "--run-id", run_id]


def spark_conf(profile: Profile, stage: str) -> dict[str, str]:
    """The --conf settings: the profile's spark.* keys and an application name per stage."""
    conf = dict(profile.spark)
    conf.setdefault("spark.app.name", f"quantpipe-{stage}")
    return conf


def stage_argv(profile: Profile, stage: str, run_id: str, base_dir: Path = REPO_ROOT) -> list[str]:
    """The whole spark-submit command line of one stage, as the BashOperator runs it."""
    a = profile.airflow
    argv = _program(a["spark-submit"], base_dir)
    argv += ["--master", a["master"], "--deploy-mode", a["deploy-mode"], "--class", MAIN_CLASS]
    for key, value in spark_conf(profile, stage).items():
        argv += ["--conf", f"{key}={value}"]
    if a["deploy-mode"] == "cluster":
        argv += ["--files", str(profile.path.resolve())]
    argv.append(_local(a["application"], base_dir))
    return argv + job_arguments(profile, stage, run_id)


def spark_submit_operator_kwargs(profile: Profile, stage: str, run_id: str,
                                 base_dir: Path = REPO_ROOT) -> dict:
    """The same command as SparkSubmitOperator's arguments (its connection supplies the master)."""
    a = profile.airflow
    kwargs = {
        "application": _local(a["application"], base_dir),
        "java_class": MAIN_CLASS,
        "conf": spark_conf(profile, stage),
        "application_args": job_arguments(profile, stage, run_id),
        "conn_id": a["spark-conn-id"],
        "deploy_mode": a["deploy-mode"],
        "spark_binary": a["spark-submit"],
        "name": f"quantpipe-{stage}",
    }
    if a["deploy-mode"] == "cluster":
        kwargs["files"] = str(profile.path.resolve())
    return kwargs


def retrain_check_argv(profile: Profile, base_dir: Path = REPO_ROOT) -> list[str]:
    """The retrain check: exit 0 when the current version drifted or is too old, SKIP_EXIT_CODE otherwise."""
    a = profile.airflow
    argv = _program(a["retrain-check"], base_dir)
    output = profile.output
    argv += ["--index", output if "://" in output else _local(output, base_dir)]
    argv += ["--max-age-days", f"{a['retrain-max-age-days']:g}"]
    if a["drift-marker"]:
        argv += ["--drift-marker", a["drift-marker"]]
    if a["drift-topic"]:
        argv += ["--drift-topic", a["drift-topic"], "--bootstrap-servers", a["bootstrap-servers"]]
    for key, value in profile.spark.items():  # the same storage settings the pipeline reaches the root with
        if key.startswith("spark.hadoop."):
            argv += ["--hadoop", f"{key[len('spark.hadoop.'):]}={value}"]
    argv += ["--skip-exit-code", str(SKIP_EXIT_CODE)]
    return argv
