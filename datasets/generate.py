"""Generate the kit's data sets: ``python datasets/generate.py [--out DIR] [--seed N] [--only NAME ...]``.

Writes into the folder beside this script unless ``--out`` is given. The same seed always
writes byte-identical files; each set's README.md card is written by the generator too.
The generator is the package ``datasets/generator/`` beside this script (plain Python, no labkit).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # import the generator package beside this script, whatever `datasets` else exists

from generator import GENERATORS, count_rows, generate_all  # noqa: E402


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
