"""Puts airflow/ on the import path, and helpers to write test profiles."""
import sys
from pathlib import Path

import pytest

AIRFLOW_DIR = Path(__file__).resolve().parents[1]
REPO = AIRFLOW_DIR.parent
sys.path.insert(0, str(AIRFLOW_DIR))


def write_profile(path: Path, base: str = "local.conf", **overrides: str) -> Path:
    """conf/<base> with the given keys replaced (or added); keys use '_' for '-' and '__' for '.'."""
    wanted = {k.replace("__", ".").replace("_", "-"): v for k, v in overrides.items()}
    lines = []
    for line in (REPO / "conf" / base).read_text().splitlines():
        key = line.split("#", 1)[0].partition("=")[0].strip()
        if key in wanted:
            lines.append(f"{key} = {wanted.pop(key)}")
        else:
            lines.append(line)
    lines += [f"{k} = {v}" for k, v in wanted.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def profile_file(tmp_path):
    def make(base: str = "local.conf", **overrides: str) -> Path:
        return write_profile(tmp_path / base, base, **overrides)
    return make
