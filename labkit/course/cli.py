"""The ``labkit`` command: ``run``, ``fetch``, ``bench``, ``editions``, ``expected``, ``checkpoints``, ``env``."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from labkit.course.paths import base_dir


def _run(args: argparse.Namespace) -> int:
    from labkit.course.runner import run_notebooks

    try:
        run_dir, results = run_notebooks(args.profile, args.seed, args.only, args.data_dir, args.output,
                                         checkpoint=args.checkpoint, gpt_checkpoint=args.gpt_checkpoint)
    except ValueError as exc:
        print(f"labkit run: {exc}", file=sys.stderr)
        return 2
    failed = [r.notebook for r in results if r.status != "ok"]
    print(f"report: {run_dir / 'report.md'}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _bench(args: argparse.Namespace) -> int:
    """Run the benchmark scripts; list every missed target at the end (exit 1 if any)."""
    import json

    scripts = sorted((base_dir() / "bench").glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if any(n in s.stem for n in args.names)]
    if not scripts:
        print("labkit bench: no benchmark matches", file=sys.stderr)
        return 2
    passed_on = ["--profile", args.profile] + (["--report-only"] if args.report_only else [])
    problems = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        start, began = time.perf_counter(), time.time()
        code = subprocess.call([sys.executable, str(script), *passed_on], cwd=base_dir())
        print(f"== {script.stem}: {'ok' if code == 0 else f'exit {code}'} in {time.perf_counter() - start:.0f} s")
        if code:
            written = [p for p in (base_dir() / "bench" / "results").glob("*.json") if p.stat().st_mtime >= began]
            missed = [m for p in written for m in json.loads(p.read_text()).get("missed", [])]
            problems.append(f"{script.stem}: " + (f"missed {', '.join(missed)}" if missed else f"exit {code}"))
    print(f"results in {base_dir() / 'bench' / 'results'}")
    if problems:
        print("targets missed or benchmarks failed:\n  " + "\n  ".join(problems), file=sys.stderr)
    return 1 if problems else 0


def _fetch(args: argparse.Namespace) -> int:
    from labkit.course.fetch import FetchError, describe, fetch, real_dir

    if args.list:
        print(describe())
        print(f"(fetched sets are laid out in {real_dir()} unless --to says otherwise; DATA_DIR='real' reads it)")
        return 0
    if not args.names:
        print("labkit fetch: name the sets to fetch (labkit fetch --list shows them)", file=sys.stderr)
        return 2
    try:
        folder = fetch(args.names, args.to)
    except (FetchError, ValueError) as exc:
        print(f"labkit fetch: {exc}", file=sys.stderr)
        return 1
    print(f"ready: DATA_DIR={str(folder)!r}" + ("" if args.to else " (or DATA_DIR='real')"))
    return 0


def _checkpoints(args: argparse.Namespace) -> int:
    from labkit.blocks.checkpoints import describe_presets

    try:
        print(describe_presets(args.lessons))
    except ValueError as exc:
        print(f"labkit checkpoints: {exc}", file=sys.stderr)
        return 2
    return 0


def _env(args: argparse.Namespace) -> int:
    from labkit.course.envinfo import print_environment

    print_environment()
    return 0


def _editions(args: argparse.Namespace) -> int:
    from labkit.course.editions import write_editions
    from labkit.course.runner import list_notebooks

    out = Path(args.output) if args.output else base_dir() / "editions"
    written = write_editions(list_notebooks(base_dir() / "notebooks"), out)
    for name, paths in written.items():
        print(f"{name} edition: {len(paths)} notebooks in {out / name}")
    return 0


def _expected(args: argparse.Namespace) -> int:
    from labkit.course import expected

    if args.update:
        changed = expected.update(args.update)
        print(f"{args.update}: {'updated' if changed else 'already up to date'}")
    else:
        print(expected.tables())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labkit", description="The labkit course kit.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the notebooks headlessly (papermill) and write a report")
    run.add_argument("--profile", default="auto", choices=["auto", "ci", "laptop", "gpu"],
                     help="sizes to use (default: auto = gpu if one is visible, else laptop)")
    run.add_argument("--only", nargs="+", metavar="NN", help="run only these notebooks, e.g. --only 00 02")
    run.add_argument("--data-dir", help="real data laid out like datasets/, or 'real': each notebook fetches the "
                                        "real sets it reads (default: the bundled sets)")
    run.add_argument("--checkpoint", default="kit",
                     help="CHECKPOINT of the notebooks that define it: 'kit' (01's encoder, the default), a keras_hub "
                          "preset name such as bert_tiny_en_uncased, or a folder saved with save_to_preset")
    run.add_argument("--gpt-checkpoint", default="kit",
                     help="GPT_CHECKPOINT of notebook 09: 'kit' (its own GPT only, the default), a keras_hub GPT-2 "
                          "preset name such as gpt2_base_en, or a folder saved with save_to_preset, set beside 09's GPT")
    run.add_argument("--output", help="run folder (default: runs/<time>-<profile>)")
    run.add_argument("--seed", type=int, default=42)
    run.set_defaults(func=_run)

    fetch = sub.add_parser("fetch", help="download real data sets by name, checked and cached, laid out as DATA_DIR")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="sets to fetch (see --list)")
    fetch.add_argument("--to", metavar="DIR", help="lay them out in DIR (default: the folder DATA_DIR='real' reads)")
    fetch.add_argument("--list", action="store_true", help="list the sets: folder, size, licence, unpinned files")
    fetch.set_defaults(func=_fetch)

    bench = sub.add_parser("bench", help="run the benchmarks in bench/ (figures go to bench/results/)")
    bench.add_argument("names", nargs="*", help="only benchmarks whose name contains one of these")
    bench.add_argument("--profile", default="laptop", help="passed on to every script (default: laptop)")
    bench.add_argument("--report-only", action="store_true", help="passed on: print the figures, never fail")
    bench.set_defaults(func=_bench)

    editions = sub.add_parser("editions", help="write the student and instructor editions of the notebooks")
    editions.add_argument("--output", help="folder for student/ and instructor/ (default: editions/)")
    editions.set_defaults(func=_editions)

    exp = sub.add_parser("expected", help="the figures a normal run gives, per notebook and profile (from bench/results)")
    exp.add_argument("--update", metavar="FILE", help="rewrite the marked block of FILE (README.md) instead of printing")
    exp.set_defaults(func=_expected)

    ckpt = sub.add_parser("checkpoints", help="published presets that suit each lesson (CHECKPOINT), read offline "
                                              "from keras_hub's registry, with laptop or GPU from bench_checkpoints")
    ckpt.add_argument("lessons", nargs="*", metavar="NN", help="only these lessons, e.g. 02 09")
    ckpt.set_defaults(func=_checkpoints)

    env = sub.add_parser("env", help="print versions, CPU/GPU and the Keras set-up")
    env.set_defaults(func=_env)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
