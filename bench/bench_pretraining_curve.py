"""How much text before pretraining pays: the gain over scratch at the smallest label budget against
the amount of pretraining text, on Banking77 (issue 10's curve).

    python bench/bench_pretraining_curve.py --realdata DIR [--profile laptop] [--seeds 42 43 44]
                                            [--corpora bundled wikitext2_quarter wikitext2 in_domain_only]
                                            [--resume] [--report-only]
    (or set LABKIT_REALDATA=DIR)

For each seed and each corpus, notebooks 01 and 02 run as a learner would run them, on a
``DATA_DIR`` holding only ``corpus/`` and ``intents/`` (Banking77's train file, seeded 80/20, the 20 %
held out as test, as in ``bench_realdata.py``; the NER set is the bundled one). The corpora:

- ``bundled``: the kit's generated corpus (written for the bundled tasks, not for Banking77);
- ``wikitext2_quarter``: the first quarter of WikiText-2's validation split (whole articles);
- ``wikitext2``: all of it;
- ``in_domain_only``: no general text: the corpus is the intent training messages themselves (the notebook's
  training part, validation carved off; "self-pretraining", Krishna et al. 2023), so the in-domain step reads
  them again.

Notebook 02 reports, at its smallest budget, scratch, full fine-tuning of the encoder pretrained on the
corpus, and the same after masked-LM on the unlabelled training texts of 02's tasks (notebook 01's
domain-adaptive step). The gain of each over scratch, mean and spread over the seeds, is plotted against
the words of pretraining text (the in-domain step adds those texts' words). The figures are
written after every run (``results/pretraining_curve_<profile>.json``, ``"complete": false`` until the
last, with each run's own figures and commit under ``runs``), so an interrupted run keeps what it measured;
``--resume`` runs only the (corpus, seed) pairs that file lacks (a curve of about 30 minutes per pair can span
sessions), and ``--replot`` draws the plot from it. No targets: issue 10's +5-point target is judged by
``bench_realdata.py``; this script shows where on the curve the kit stands.
"""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import COMMIT_AT_START, RESULTS, finish, mean_and_spread, realdata_parser, write_banking77_split  # noqa: E402

from labkit import data  # noqa: E402
from labkit.course.runner import run_notebooks  # noqa: E402

WIKITEXT = "wikitext2/valid.txt"
NEEDED = (WIKITEXT, "banking77/train.csv")
CORPORA = {"bundled": "the kit's generated corpus", "wikitext2_quarter": "WikiText-2 valid, first quarter (whole articles)",
           "wikitext2": "WikiText-2 valid", "in_domain_only": "the intent training messages themselves (no general text)"}
ARMS = {"general": "cls_accuracy_pretrained_low", "general + in-domain": "cls_accuracy_adapted_low"}
GAIN = {arm: "gain_points_" + arm.replace(" + ", "_plus_").replace("-", "_") for arm in ARMS}  # result keys


def write_corpus(real: Path, name: str, data_dir: Path, seed: int) -> None:
    """``data_dir/corpus/corpus.txt`` holding the corpus ``name`` (after ``data_dir/intents``, which it may read)."""
    folder = data_dir / "corpus"
    folder.mkdir(parents=True)
    if name == "bundled":
        lines = data.load_corpus(None)
    elif name == "in_domain_only":  # the training part only: the notebook carves validation off with the seed
        lines = data.load_intents(data_dir, seed=seed)["train"].texts
    else:
        lines = (real / WIKITEXT).read_text(encoding="utf-8").splitlines()
        if name == "wikitext2_quarter":
            cut = len(lines) // 4
            is_title = lambda line: line.startswith(" = ") and not line.startswith(" = = ")
            while cut < len(lines) and not is_title(lines[cut]):
                cut += 1  # end before an article's title, so no article is cut in two
            lines = lines[:cut]
    (folder / "corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def words(lines) -> int:
    return sum(len(line.split()) for line in lines)


def summarise(measured: dict, seeds: list[int]) -> dict:
    """The curve so far: per corpus, its words and each arm's gain over scratch (points) over the seeds."""
    curve = {}
    for corpus, by_seed in measured.items():
        done = [s for s in seeds if s in by_seed]
        gain = lambda key: mean_and_spread([100 * (by_seed[s]["metrics"][key] - by_seed[s]["metrics"]["cls_accuracy_scratch_low"])
                                            for s in done])
        curve[corpus] = {
            "seeds": done,
            "corpus_words": by_seed[done[0]]["corpus_words"],
            "in_domain_words": by_seed[done[0]]["in_domain_words"],
            "scratch_accuracy_smallest_budget": mean_and_spread([by_seed[s]["metrics"]["cls_accuracy_scratch_low"] for s in done]),
            **{GAIN[arm]: gain(key) for arm, key in ARMS.items()},
            "minutes_01_plus_02": [by_seed[s]["minutes"] for s in done],
        }
    return curve


def plot(curve: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.axhline(0, color="grey", lw=1)
    ax.axhline(5, color="grey", lw=1, ls=":", label="issue 10's target (+5 points)")
    for c in curve.values():  # each corpus: its general point joined to the same after the in-domain step
        ax.plot([c["corpus_words"], c["corpus_words"] + c["in_domain_words"]],
                [c[GAIN[arm]]["mean"] for arm in ARMS], color="lightgrey", lw=1, zorder=0)
    for arm, marker in zip(ARMS, "os"):
        for corpus, c in curve.items():
            x = c["corpus_words"] + (c["in_domain_words"] if "in-domain" in arm else 0)
            g = c[GAIN[arm]]
            ax.errorbar(x, g["mean"], yerr=[[g["mean"] - g["min"]], [g["max"] - g["mean"]]], fmt=marker, capsize=3,
                        color="C0" if arm == "general" else "C1",
                        label=arm if corpus == next(iter(curve)) else None)
            ax.annotate(corpus, (x, g["mean"]), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("words of pretraining text (a text read in both steps counts twice)")
    ax.set_ylabel("accuracy points above scratch")
    seeds = ", ".join(f"{corpus} {len(c['seeds'])}" for corpus, c in curve.items())
    ax.set_title(f"Banking77, smallest label budget: gain of pretraining (mean; bars: range over seeds)\n"
                 f"seeds per corpus: {seeds}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


p = realdata_parser(__doc__)
p.add_argument("--corpora", nargs="+", choices=CORPORA, default=list(CORPORA))
p.add_argument("--replot", action="store_true", help="only redraw the plot from the results file (e.g. of an interrupted run)")
p.add_argument("--resume", action="store_true", help="keep the runs the results file holds; run only the missing ones")
args = p.parse_args()
name = f"pretraining_curve_{args.profile}"
if args.replot:
    plot(json.loads((RESULTS / f"{name}.json").read_text())["curve"], RESULTS / f"{name}.png")
    sys.exit(print(f"plot redrawn: {(RESULTS / f'{name}.png').relative_to(RESULTS.parent.parent)}"))
missing = [n for n in NEEDED if not args.realdata or not (Path(args.realdata) / n).is_file()]
if missing:
    sys.exit(print(f"bench_pretraining_curve: no real data ({', '.join(missing)} not found under --realdata / "
                   f"$LABKIT_REALDATA = {args.realdata}); nothing measured."))
real = Path(args.realdata).resolve()
measured: dict = {corpus: {} for corpus in args.corpora}
if args.resume and (RESULTS / f"{name}.json").is_file():  # every corpus the file holds, asked for now or not
    for corpus, by_seed in json.loads((RESULTS / f"{name}.json").read_text()).get("runs", {}).items():
        measured[corpus] = {int(seed): run for seed, run in by_seed.items() if int(seed) in args.seeds}
    print("resuming with", {c: sorted(m) for c, m in measured.items()})
for seed in args.seeds:  # seed-major: an interrupted run has every corpus for the seeds it finished
    for corpus in args.corpora:
        if seed in measured[corpus]:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            write_banking77_split(real, data_dir / "intents")
            write_corpus(real, corpus, data_dir, seed)
            in_domain = [*data.load_intents(data_dir, seed=seed)["train"].texts,  # 01's in-domain step reads both
                         *(" ".join(s.tokens) for s in data.load_ner(data_dir, seed=seed)["train"])]
            _, results = run_notebooks(args.profile, seed, ["01", "02"], data_dir, Path(tmp) / "run")
            corpus_words = words(data.load_corpus(data_dir))
        if any(r.status != "ok" for r in results):
            sys.exit(f"{corpus}, seed {seed}: {', '.join(f'{r.notebook} {r.error}' for r in results if r.status != 'ok')}")
        measured[corpus][seed] = {"corpus_words": corpus_words, "in_domain_words": words(in_domain),
                                  "minutes": sum(r.seconds for r in results) / 60, "metrics": results[1].metrics,
                                  "commit": COMMIT_AT_START}
        curve = summarise({c: m for c, m in measured.items() if m}, args.seeds)
        partial = {"seeds": args.seeds, "complete": False, "curve": curve, "runs": measured}  # --replot, --resume
        (RESULTS / f"{name}.json").write_text(json.dumps(partial, indent=2) + "\n")
        print(f"{corpus}, seed {seed}: {curve[corpus]}", flush=True)
curve = summarise({c: m for c, m in measured.items() if m}, args.seeds)
plot(curve, RESULTS / f"{name}.png")
complete = all(len(m) == len(args.seeds) for m in measured.values())  # a resumed file may hold corpora not asked for now
finish(name, args.profile, {"seeds": args.seeds, "complete": complete, "data": {
    "intents": "Banking77 train, seeded 80/20 (held-out 20 % as test)", "ner": "bundled",
    "corpora": {c: CORPORA[c] for c in curve}},
    "curve": curve, "runs": measured, "plot": f"results/{name}.png"}, [], args.report_only)
