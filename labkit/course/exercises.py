"""Exercises that check themselves: each check prints a verdict and never raises, so "Run all" completes.

In a notebook, an exercise is a code cell tagged ``exercise`` that sets an answer variable to ``None``
and then, between ``# BEGIN SOLUTION`` and ``# END SOLUTION``, the solution. The student edition
(``labkit editions``) drops the solution lines, so the answer stays ``None``. The next cell calls
:func:`check`, which prints one of three verdicts and records it in ``lab.exercises_path``:

- **right**;
- **not yet**, with a hint (a wrong answer, or a test that raised on it);
- **not attempted** (the answer is still ``None``).
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable

RIGHT, NOT_YET, NOT_ATTEMPTED = "right", "not yet", "not attempted"


def check(lab, name: str, answer: Any, test: Callable[[Any], bool], hint: str) -> str:
    """Judge ``answer`` with ``test``; print and record the verdict for exercise ``name``; return it."""
    if answer is None:
        verdict, message = NOT_ATTEMPTED, "not attempted yet: fill in the cell above and run it, then this one."
    else:
        try:
            passed = bool(test(answer))
            problem = hint
        except Exception as error:  # a malformed answer is a learner's mistake, not a crash
            passed, problem = False, f"{hint} (checking it raised {type(error).__name__}: {error})"
        verdict, message = (RIGHT, "right.") if passed else (NOT_YET, f"not yet. Hint: {problem}")
    mark = {RIGHT: "✔", NOT_YET: "✘", NOT_ATTEMPTED: "…"}[verdict]
    print(f"{mark} Exercise {name}: {message}")
    path = lab.exercises_path
    verdicts = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**verdicts, name: verdict}, indent=2) + "\n")
    return verdict


def equals(expected: Any) -> Callable[[Any], bool]:
    """A test: the answer equals ``expected``."""
    return lambda answer: answer == expected


def close_to(expected: float, tolerance: float) -> Callable[[Any], bool]:
    """A test: the answer is a number within ``tolerance`` of ``expected``."""
    return lambda answer: math.isfinite(float(answer)) and abs(float(answer) - expected) <= tolerance


def beats(score: Callable[[Any], float], baseline: float, margin: float, what: str,
          against: str) -> Callable[[Any], bool]:
    """A test for a build-or-change exercise: ``score(answer)`` (what the learner's function does, ``what``) reaches
    the baseline's figure (``against`` names it) plus ``margin``; it prints both, so a learner sees how far off."""
    def test(answer):
        value = score(answer)
        print(f"your {what}: {value:.3f}; {against}: {baseline:.3f} (needed: {baseline + margin:.3f})")
        return value >= baseline + margin
    return test
