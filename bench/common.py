"""Shared by the benchmark scripts: where results go, and medians."""
from __future__ import annotations

import json
import platform
import statistics
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name: str, figures: dict) -> Path:
    """Print ``figures`` and write them, with when and where they were measured, to ``results/<name>.json``."""
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": name, "measured": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores", **figures}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print(f"written to {path}")
    return path


def median(values) -> float:
    return float(statistics.median(values))


def run_notebook(number: str, profile: str, run_dir) -> tuple[float, dict]:
    """Run one notebook through ``labkit run``; its wall seconds and recorded metrics, or exit on failure."""
    import sys

    from labkit.runner import run_notebooks

    _, (result,) = run_notebooks(profile, only=[number], output=run_dir)
    if result.status != "ok":
        sys.exit(f"notebook {number} failed: {result.error}")
    return result.seconds, result.metrics
