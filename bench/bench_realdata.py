"""Notebooks 01 and 02 on real public data, through ``DATA_DIR``, as a learner would run them.

    python bench/bench_realdata.py --realdata DIR [--profile laptop] [--seeds 42] [--report-only]
    (or set LABKIT_REALDATA=DIR)

``DIR`` holds the sets in their own formats (``wikitext2/valid.txt``, ``banking77/train.csv``,
``conll2003/{train,valid}.txt``). A temporary ``DATA_DIR`` is laid out from them:

- ``corpus/``: WikiText-2 (the validation split, the part available here);
- ``intents/``: Banking77's train file, split with a fixed seed into 80 % train and a 20 % held-out
  part used as test (the official test split is not used here); valid is carved from train by the notebook;
- ``ner/``: CoNLL-2003 train as train (valid carved from it by whole documents: the tuning split),
  and CoNLL-2003 valid as the test file. Its score is reported as **dev**, never as test.

Targets (issue figures for the laptop profile): full fine-tuning of the pretrained encoder (general
text, then masked-LM on the unlabelled intent training messages) at least 5 points above scratch at
the smallest budget (mean over seeds) and not below scratch with all labels (the gain from general text
alone is reported beside it); intent accuracy at least
0.90 with all labels; CoNLL-2003 dev entity F1 at least 0.82 with no word lost; 01 + 02 within 25 minutes.
Without real data the script says so and exits 0 (nothing measured). Results: ``results/realdata_<profile>.json``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import Target, finish, mean_and_spread, median, real_runs, realdata_parser, write_banking77_split  # noqa: E402


NEEDED = ("wikitext2/valid.txt", "banking77/train.csv", "conll2003/train.txt", "conll2003/valid.txt")


def lay_out(real: Path, data_dir: Path) -> None:
    """Write a DATA_DIR laid out like datasets/ from the real sets (a seeded 80/20 split of Banking77)."""
    for folder in ("corpus", "ner"):
        (data_dir / folder).mkdir(parents=True)
    (data_dir / "corpus" / "wikitext2.txt").symlink_to(real / "wikitext2" / "valid.txt")
    (data_dir / "ner" / "train.txt").symlink_to(real / "conll2003" / "train.txt")
    (data_dir / "ner" / "test.txt").symlink_to(real / "conll2003" / "valid.txt")
    write_banking77_split(real, data_dir / "intents")


args = realdata_parser(__doc__).parse_args()
runs = real_runs("bench_realdata", args, list(NEEDED), ["01", "02"], lay_out)

m = lambda key: [runs[s]["02"].metrics[key] for s in args.seeds]
points = lambda a, b: mean_and_spread([100 * (x - y) for x, y in zip(m(a), m(b))])
general_gain = points("cls_accuracy_pretrained_low", "cls_accuracy_scratch_low")  # general text only
gain = points("cls_accuracy_adapted_low", "cls_accuracy_scratch_low")  # + in-domain MLM: the kit's recipe
gain_all = points("cls_accuracy_adapted", "cls_accuracy_scratch")
minutes = [(runs[s]["01"].seconds + runs[s]["02"].seconds) / 60 for s in args.seeds]
figures = {
    "seeds": args.seeds,
    "data": {"corpus": "WikiText-2 valid", "intents": "Banking77 train, seeded 80/20 (held-out 20 % as test)",
             "ner": "CoNLL-2003 train (valid carved by documents) / CoNLL-2003 valid reported as dev"},
    "minutes_01_plus_02": minutes,
    "metrics": {s: {nb: r.metrics for nb, r in runs[s].items()} for s in args.seeds},
    "general_pretraining_gain_points_smallest_budget": general_gain,
    "pretraining_gain_points_smallest_budget": gain,
    "pretraining_gain_points_all_labels": gain_all,
    "intent_accuracy_all_labels": mean_and_spread(m("cls_accuracy_adapted")),
    "ner_entity_f1_conll_dev": mean_and_spread(m("ner_entity_f1")),
}
finish(f"realdata_{args.profile}", args.profile, figures, [
    Target("pretraining_gain_points_smallest_budget_mean", gain["mean"], 5.0),
    Target("pretraining_gain_points_all_labels_mean", gain_all["mean"], 0.0),
    Target("intent_accuracy_all_labels_mean", figures["intent_accuracy_all_labels"]["mean"], 0.90),
    Target("ner_entity_f1_conll_dev_mean", figures["ner_entity_f1_conll_dev"]["mean"], 0.82),
    Target("ner_words_lost_max", max(m("ner_test_words_lost")), 0, at_most=True),
    Target("minutes_01_plus_02_median", median(minutes), 25.0, at_most=True),
], args.report_only)
