"""The profile reader: the repository's profiles, and every way a profile is refused."""
import pytest

from conftest import REPO
from quantpipe_dags.profile import ProfileError, parse_lines, read_profile


@pytest.mark.parametrize("name", ["local.conf", "s3.conf", "pubmed-36m.conf"])
def test_the_repository_profiles_read(name):
    p = read_profile(REPO / "conf" / name)
    assert p.output
    assert p.airflow["application"].endswith(".jar")
    assert p.airflow["retries"] >= 0
    assert all(k.startswith("spark.") for k in p.spark)
    assert not any(k.startswith(("airflow.", "cost.")) for k in p.pipeline)


def test_local_profile_types_and_defaults():
    p = read_profile(REPO / "conf" / "local.conf")
    assert p.airflow["master"] == "local[2]"
    assert p.airflow["build-schedule"] is None            # "none": triggered by hand
    assert p.airflow["retrain-schedule"] == "@hourly"
    assert p.airflow["retrain-max-age-days"] == 30.0
    assert p.airflow["retries"] == 1
    assert p.airflow["spark-conn-id"] == "spark_default"  # a default: local.conf does not set it
    assert p.sla_minutes("hnsw") == 10.0


def test_pubmed_profile_has_per_stage_slas_and_kafka():
    p = read_profile(REPO / "conf" / "pubmed-36m.conf")
    assert p.sla_minutes("hnsw") == 120.0
    assert p.sla_minutes("import") == 60.0
    assert p.airflow["deploy-mode"] == "cluster"
    assert p.airflow["drift-topic"] == "quantpipe.drift"


@pytest.mark.parametrize("key,value,message", [
    ("airflow.retries", "many", "'airflow.retries' must be a whole number >= 0; got 'many'"),
    ("airflow.retries", "-1", "'airflow.retries' must be a whole number >= 0; got '-1'"),
    ("airflow.retry-delay-minutes", "0", "'airflow.retry-delay-minutes' must be a number > 0; got '0'"),
    ("airflow.deploy-mode", "remote", "'airflow.deploy-mode' must be one of client, cluster; got 'remote'"),
    ("airflow.retrain-schedule", "every day", "'airflow.retrain-schedule' must be none, a preset"),
    ("airflow.start-date", "yesterday", "'airflow.start-date' must be a date (YYYY-MM-DD); got 'yesterday'"),
    ("airflow.retry-count", "3", "unknown option 'airflow.retry-count'; known airflow options: "),
    ("airflow.sla-minutes.hnws", "5", "'airflow.sla-minutes.hnws' names no stage"),
    ("airflow.drift-topic", "quantpipe.drift", "needs 'airflow.bootstrap-servers'"),
    ("spark.hadoop.fs.s3a.secret.key", "abc", "'spark.hadoop.fs.s3a.secret.key' is a credential"),
    ("output", "", "option 'output' is required"),
])
def test_bad_values_name_the_key_and_value(profile_file, key, value, message):
    path = profile_file(**{key.replace(".", "__").replace("-", "_"): value})
    with pytest.raises(ProfileError) as e:
        read_profile(path)
    assert message in str(e.value)
    assert str(path) in str(e.value)


def test_a_missing_required_airflow_key_is_named(tmp_path):
    path = tmp_path / "p.conf"
    path.write_text("input = data/siftsmall\noutput = out/index\n")
    with pytest.raises(ProfileError, match="option 'airflow.application' is required"):
        read_profile(path)


def test_syntax_errors_name_the_line():
    assert parse_lines(["# c", "a = 1  # trailing", "", "b=two words"], "t.conf") == {"a": "1", "b": "two words"}
    with pytest.raises(ProfileError, match="t.conf line 2: expected 'key = value', got 'oops'"):
        parse_lines(["a = 1", "oops"], "t.conf")
    with pytest.raises(ProfileError, match="t.conf line 2: key 'a' is set twice"):
        parse_lines(["a = 1", "a = 2"], "t.conf")


def test_a_missing_profile_is_named(tmp_path):
    with pytest.raises(ProfileError, match="does not exist"):
        read_profile(tmp_path / "nope.conf")
