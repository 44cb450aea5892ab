"""The command builder: every argument of a stage's spark-submit, in client and cluster mode, the
SparkSubmitOperator form of the same command, and the retrain check's arguments."""
import pytest

from conftest import REPO
from quantpipe_dags import commands
from quantpipe_dags.profile import read_profile

LOCAL = REPO / "conf" / "local.conf"
PUBMED = REPO / "conf" / "pubmed-36m.conf"


def test_local_stage_command_has_every_argument():
    argv = commands.stage_argv(read_profile(LOCAL), "train", "quantpipe_build.r1")
    assert argv == [
        str(REPO / "bin" / "spark-submit"),
        "--master", "local[2]", "--deploy-mode", "client", "--class", "io.quantpipe.spark.PipelineJob",
        "--conf", "spark.sql.shuffle.partitions=8",
        "--conf", "spark.driver.memory=2g",
        "--conf", "spark.app.name=quantpipe-train",
        str(REPO / "spark-jobs" / "target" / "spark-jobs-0.1.0-SNAPSHOT-job.jar"),
        "--conf", str(LOCAL), "--stage", "train", "--run-id", "quantpipe_build.r1",
    ]


def test_cluster_mode_ships_the_profile_and_names_it_by_base_name():
    p = read_profile(PUBMED)
    argv = commands.stage_argv(p, "hnsw", "{{ dag.dag_id }}.{{ run_id }}")
    assert argv[:7] == ["spark-submit", "--master", "yarn", "--deploy-mode", "cluster", "--class",
                        "io.quantpipe.spark.PipelineJob"]
    assert "spark.executor.memory=8g" in argv and "spark.driver.maxResultSize=2g" in argv
    files = argv.index("--files")
    assert argv[files + 1] == str(PUBMED)
    assert argv[files + 2] == "s3a://my-artifacts/quantpipe/spark-jobs-0.1.0-job.jar"  # URIs stay as given
    assert argv[files + 3:] == ["--conf", "pubmed-36m.conf", "--stage", "hnsw", "--run-id",
                                "{{ dag.dag_id }}.{{ run_id }}"]


def test_the_operator_form_is_the_same_command():
    p = read_profile(PUBMED)
    kw = commands.spark_submit_operator_kwargs(p, "encode", "r9")
    argv = commands.stage_argv(p, "encode", "r9")
    assert kw["application"] in argv and kw["java_class"] in argv
    assert [f"{k}={v}" for k, v in kw["conf"].items()] == [argv[i + 1] for i, a in enumerate(argv[:-6])
                                                           if a == "--conf"]
    assert kw["application_args"] == argv[-6:]
    assert kw["deploy_mode"] == "cluster" and kw["files"] == str(PUBMED) and kw["conn_id"] == "spark_default"
    assert kw["spark_binary"] == "spark-submit"


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="Unknown stage 'train2'; stages: import, calibrate"):
        commands.stage_argv(read_profile(LOCAL), "train2", "r")


def test_retrain_check_locally_reads_the_marker():
    argv = commands.retrain_check_argv(read_profile(LOCAL))
    assert argv == [str(REPO / "bin" / "quantpipe"), "retrain-check", "--index", str(REPO / "out" / "index"),
                    "--max-age-days", "30", "--drift-marker", "_DRIFT", "--skip-exit-code", "99"]


def test_retrain_check_in_production_reads_the_topic_and_the_storage_settings():
    argv = commands.retrain_check_argv(read_profile(PUBMED))
    assert argv[:4] == ["java", "-cp", "/opt/quantpipe/flink-jobs-0.1.0-job.jar",
                        "io.quantpipe.flink.drift.RetrainCheck"]
    assert argv[argv.index("--index") + 1] == "s3a://my-index/pubmed-36m"
    assert argv[argv.index("--drift-topic") + 1] == "quantpipe.drift"
    assert argv[argv.index("--bootstrap-servers") + 1] == "kafka-1:9092,kafka-2:9092"
    assert argv[argv.index("--max-age-days") + 1] == "90"


def test_s3a_settings_reach_the_retrain_check(profile_file):
    p = read_profile(profile_file("s3.conf"))
    argv = commands.retrain_check_argv(p)
    hadoop = [argv[i + 1] for i, a in enumerate(argv) if a == "--hadoop"]
    assert "fs.s3a.path.style.access=false" in hadoop
    assert any(h.startswith("fs.s3a.aws.credentials.provider=") for h in hadoop)
