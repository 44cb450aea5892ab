"""Reads a conf/*.conf profile the way the jobs do, and types its airflow.* keys.

The syntax is the Java ConfFile's: one ``key = value`` per line, ``#`` starts a comment, a key set
twice is an error. Pipeline keys (``input``, ``output``, ...) and ``spark.*`` keys are the Spark
job's, which validates them itself when its first task starts; ``airflow.*`` keys are the
scheduler's and are validated here, at DAG parse time: an unknown key, a wrong type or a missing
required key raises ProfileError naming the key and the value.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

STAGES = ("import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate", "gate", "publish")
AIRFLOW_PREFIX = "airflow."
COST_PREFIX = "cost."
SPARK_PREFIX = "spark."
_SECRET = re.compile(r"(?i).*(access\.key|secret\.key|session\.token|password)$")
_SCHEDULE_PRESETS = {"none", "@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file, the key and the value."""


def _text(v: str) -> str:
    return v


def _choice(*allowed: str):
    def parse(v: str) -> str:
        if v not in allowed:
            raise ValueError("one of " + ", ".join(allowed))
        return v
    return parse


def _count(v: str) -> int:
    if not v.isdigit():
        raise ValueError("a whole number >= 0")
    return int(v)


def _positive(v: str) -> float:
    try:
        x = float(v)
    except ValueError:
        x = float("nan")
    if not 0 < x < float("inf"):
        raise ValueError("a number > 0")
    return x


def _schedule(v: str) -> str | None:
    if v in _SCHEDULE_PRESETS:
        return None if v == "none" else v
    if len(v.split()) == 5:  # a cron expression: minute hour day month weekday
        return v
    raise ValueError("none, a preset (" + ", ".join(sorted(_SCHEDULE_PRESETS - {"none"})) + ") or a 5-field cron")


def _date(v: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(v)
    except ValueError:
        raise ValueError("a date (YYYY-MM-DD)") from None


# key -> (parser, default; None = required); a parser's ValueError says what the value should have been
AIRFLOW_KEYS = {
    "spark-submit": (_text, "spark-submit"),
    "master": (_text, "local[*]"),
    "deploy-mode": (_choice("client", "cluster"), "client"),
    "application": (_text, None),
    "spark-conn-id": (_text, "spark_default"),
    "retrain-check": (_text, "bin/quantpipe retrain-check"),
    "build-schedule": (_schedule, "none"),
    "retrain-schedule": (_schedule, "@daily"),
    "retrain-max-age-days": (_positive, "30"),
    "drift-marker": (_text, "_DRIFT"),
    "drift-topic": (_text, ""),
    "bootstrap-servers": (_text, ""),
    "retries": (_count, "2"),
    "retry-delay-minutes": (_positive, "5"),
    "sla-minutes": (_positive, "60"),
    "owner": (_text, "quantpipe"),
    "start-date": (_date, "2026-01-01"),
}
_PER_STAGE = ("sla-minutes",)  # airflow.sla-minutes.<stage> overrides airflow.sla-minutes for one stage


@dataclass(frozen=True)
class Profile:
    """A parsed profile: the file, the job's own keys, its spark.* keys and the typed airflow.* keys."""

    path: Path
    pipeline: dict[str, str]
    spark: dict[str, str]
    airflow: dict[str, object]
    stage_sla_minutes: dict[str, float] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return self.pipeline["output"]

    def sla_minutes(self, stage: str) -> float:
        return self.stage_sla_minutes.get(stage, self.airflow["sla-minutes"])


def parse_lines(lines: list[str], source: str) -> dict[str, str]:
    """The settings of a profile's lines, in file order."""
    out: dict[str, str] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, eq, value = line.partition("=")
        key = key.strip()
        if not eq or not key:
            raise ProfileError(f"{source} line {number}: expected 'key = value', got '{raw.strip()}'")
        if key in out:
            raise ProfileError(f"{source} line {number}: key '{key}' is set twice")
        out[key] = value.strip()
    return out


def read_profile(path: str | Path) -> Profile:
    """Reads and validates a profile; ProfileError names what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"Conf profile {path} does not exist")
    settings = parse_lines(path.read_text(encoding="utf-8").splitlines(), str(path))
    return from_settings(settings, path)


def from_settings(settings: dict[str, str], path: Path) -> Profile:
    pipeline, spark, raw_airflow = {}, {}, {}
    for key, value in settings.items():
        if _SECRET.match(key):
            raise ProfileError(f"{path}: '{key}' is a credential: profiles must not hold secrets; give S3 "
                               "credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) "
                               "or an instance profile")
        if key.startswith(AIRFLOW_PREFIX):
            raw_airflow[key[len(AIRFLOW_PREFIX):]] = value
        elif key.startswith(SPARK_PREFIX):
            spark[key] = value
        elif key.startswith(COST_PREFIX):
            continue  # the cost model's inputs (bin/cost-model); neither the job's nor the scheduler's
        else:
            pipeline[key] = value
    for required in ("input", "output"):
        if not pipeline.get(required):
            raise ProfileError(f"{path}: option '{required}' is required")

    typed: dict[str, object] = {}
    per_stage: dict[str, float] = {}
    for key, value in raw_airflow.items():
        base, _, stage = key.rpartition(".")
        if base in _PER_STAGE:
            if stage not in STAGES:
                raise ProfileError(f"{path}: 'airflow.{key}' names no stage; stages: {', '.join(STAGES)}")
            per_stage[stage] = _typed(path, key, value, AIRFLOW_KEYS[base][0])
        elif key not in AIRFLOW_KEYS:
            raise ProfileError(f"{path}: unknown option 'airflow.{key}'; known airflow options: "
                               + ", ".join("airflow." + k for k in sorted(AIRFLOW_KEYS)))
        else:
            typed[key] = _typed(path, key, value, AIRFLOW_KEYS[key][0])
    for key, (parser, default) in AIRFLOW_KEYS.items():
        if key not in typed:
            if default is None:
                raise ProfileError(f"{path}: option 'airflow.{key}' is required")
            typed[key] = parser(default)
    if typed["drift-topic"] and not typed["bootstrap-servers"]:
        raise ProfileError(f"{path}: 'airflow.drift-topic' = '{typed['drift-topic']}' needs "
                           "'airflow.bootstrap-servers'")
    return Profile(path, pipeline, spark, typed, per_stage)


def _typed(path: Path, key: str, value: str, parser):
    try:
        return parser(value)
    except ValueError as e:
        raise ProfileError(f"{path}: 'airflow.{key}' must be {e}; got '{value}'") from None
