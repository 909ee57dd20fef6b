"""Generate the kit's data sets: ``python datasets/generate.py [--out DIR] [--seed N] [--only NAME ...]``.

Writes into the folder beside this script unless ``--out`` is given. The same seed always
writes byte-identical files; each set's README.md card is written by the generator too.
The generator is the package ``datasets.generator`` (``datasets/generator/`` beside this script;
plain Python, no labkit), imported under that one name here, in the tests and in the data-set cards.
"""
from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
if "datasets" not in sys.modules:  # `datasets` is this folder, even where another `datasets` (Hugging Face's) is installed
    sys.modules["datasets"] = types.ModuleType("datasets", "the kit's generated data sets and their generator")
    sys.modules["datasets"].__path__ = [str(HERE)]

from datasets.generator import GENERATORS, count_rows, generate_all  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help=f"generate only these data sets (known: {', '.join(GENERATORS)})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.only or () if name not in GENERATORS]
    if unknown:
        parser.error(f"unknown data set(s) {', '.join(unknown)}; known data sets: {', '.join(GENERATORS)}")
    for path in generate_all(args.out, seed=args.seed, names=args.only):
        n, unit = count_rows(path)
        shown = path.relative_to(args.out) if path.is_relative_to(args.out) else path
        print(f"{str(shown):<22} {path.stat().st_size:>10,} bytes {n:>8,} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
