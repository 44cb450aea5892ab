"""What the notebooks share: where the pipeline's output is, running it when it is not there yet,
and reading what it published (the catalog's _CURRENT pointer and the version's manifest.json).

Default output: out/notebooks/ under the repository (QUANTPIPE_NOTEBOOK_OUT overrides it).
Figures are shown inline (as image/png outputs, so Jupyter and code hosts render them) and saved to
notebooks/figures/ beside the notebooks.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("QUANTPIPE_NOTEBOOK_OUT", REPO / "out" / "notebooks"))
FIGURES = Path(__file__).resolve().parent / "figures"
PROFILE = REPO / "conf" / "local.conf"


def run(argv: list[str]) -> str:
    """Runs a repository command; on failure raises with the end of its output, so the cell fails."""
    p = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    return p.stdout


def published(root: Path) -> dict:
    """The current version's manifest under an index root, as the serving side finds it."""
    pointer = json.loads((root / "_CURRENT").read_text())
    return json.loads((root / "versions" / f"v-{pointer['version']:06d}" / "manifest.json").read_text())


def strategy_run(strategy: str) -> dict:
    """The manifest of the bundled-data pipeline run for one strategy, running it when missing.

    The quality gate is switched off (--set gate-min-*) because these runs exist to compare
    strategies, float32 and 4-bit ones included, not to ship one.
    """
    root = OUT / "tradeoffs" / strategy / "index"
    if not (root / "_CURRENT").exists():
        run([str(REPO / "bin" / "quantpipe"), "pipeline", "--conf", str(PROFILE), "--strategy", strategy,
             "--output", str(root), "--set", "gate-min-recall=0", "--set", "gate-min-compression=1"])
    return published(root)


def save(fig, name: str) -> Path:
    """Shows a figure inline, saves it as notebooks/figures/<name>.png and returns the path.

    The inline copy is the saved PNG itself, so what a reader sees in the notebook is the file: the
    notebooks draw on the non-interactive Agg backend, which displays nothing by itself.
    """
    from IPython.display import Image, display
    import matplotlib.pyplot as plt

    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    display(Image(filename=str(path)))
    plt.close(fig)
    return path
