"""The chapters: each numbered notebook ``notebooks/NN_slug.ipynb`` has one module, ``labkit/chNN.py``.

A chapter module holds the code its notebook teaches that later chapters (and the benchmarks) reuse, its plots and
its exercise checks, and declares what the course plumbing reads from it by convention:

=============  =====================================================================================
``HEADLINES``  the notebook's headline figures, each recorded with the baseline it must beat
``Sizes``      a frozen dataclass of the notebook's profile fields; ``SIZES`` gives one per profile
``READS``      (optional) the artifacts the notebook loads (:mod:`labkit.course.artifacts`); default: 01's encoder
=============  =====================================================================================

So a new notebook touches its notebook, its chapter module and its tests (CONTRIBUTING.md).
"""
from __future__ import annotations

import importlib
import re
from types import ModuleType

from labkit.course.paths import PACKAGE_DIR

NUMBERS = tuple(sorted(p.stem[2:] for p in PACKAGE_DIR.glob("ch[0-9][0-9].py")))


def module(notebook: str) -> ModuleType:
    """The chapter module of ``notebook`` (``"05"``, ``"05_customer_service"`` or ``"05_customer_service.ipynb"``)."""
    number = re.match(r"\d\d", str(notebook))
    if not number or number.group() not in NUMBERS:
        raise ValueError(f"no chapter module for {notebook!r}; chapters: {', '.join(NUMBERS)}")
    return importlib.import_module(f"labkit.ch{number.group()}")


def modules() -> list[ModuleType]:
    """Every chapter module, in course order."""
    return [module(number) for number in NUMBERS]


def reads(notebook: str) -> tuple[str, ...]:
    """The artifacts ``notebook`` loads: its chapter's ``READS``; 01's encoder for a chapter that declares none, and
    nothing for 00 and 01, which load none."""
    number = re.match(r"\d\d", str(notebook)).group()
    return () if number <= "01" else getattr(module(number), "READS", ("encoder",))
