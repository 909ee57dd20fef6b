"""The case-study notebooks on real public data, through ``DATA_DIR``, as a learner would run them.

    python bench/bench_casestudies.py --realdata DIR [--profile laptop] [--seeds 42] [--only 05 06] [--corpus] [--report-only]
    (or set LABKIT_REALDATA=DIR)

``DIR`` holds the sets in their own formats. A temporary ``DATA_DIR`` is laid out from them:

- ``service/data_full.json`` (notebook 05) from CLINC150's ``clinc150/data_full_trainval.json``, the
  part available here: its ``val`` and ``oos_val`` lists become the test lists (the official test split
  is not used here); a seeded 10 per intent of ``train`` and half of ``oos_train`` become the validation
  lists, the rest is trained on. Its scores are reported as **dev**, never as test;
- ``finance/Sentences_AllAgree.txt`` (notebook 06): Financial PhraseBank's all-agree file, which the
  notebook splits itself (seeded, stratified 80/10/10).
- ``kg/train.json`` and ``kg/test.json`` (notebook 08) from CoNLL04 in SpERT's JSON format: ``conll04/train.json``
  becomes train (the notebook carves its validation part with the seed) and ``conll04/valid.json`` becomes the test
  file; its scores are reported as **dev**, never as test (CoNLL04's test split is not used here).
- ``finance/Sentences_AllAgree.txt`` (notebook 09) as for 06: the reward model's sentences, and the headline
  writer's text.

- ``corpus/`` (with ``--corpus``): WikiText-2's validation split, the real text of ``bench_realdata.py``;
  without it the bundled corpus is pretrained on. Notebook 01 runs first, on that corpus.

Targets (issue figures for the laptop profile): CLINC150 in-scope accuracy at least 0.90 and out-of-scope
recall at least 0.50, for the fine-tuned encoder and for the classifier the notebook deploys (the validation
winner among the encoder, TF-IDF and their mean; the same bar for PhraseBank's accuracy below), within 15 minutes of training including pretraining (notebook 01's time plus 05's);
the learned router earns at least as much as the best fixed threshold rule and more than random;
Financial PhraseBank all-agree accuracy at least 0.90 and above TF-IDF + logistic regression, within 10 minutes
(notebook 06's time); CoNLL04 dev strict relation F1 at least 0.55 and entity F1 at least 0.80 within 15 minutes
(01's time plus 08's; SpERT with BERT-base reports 71.5 and 88.9 on CoNLL04's test split); with ``--corpus``, the
GPT of 09 at most 0.75 of the Kneser-Ney trigram's held-out perplexity on WikiText-2. Without real data the script says so and exits 0. Results: ``results/casestudies_<profile>[_wikitext2][_only_NN].json``.
"""
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import Target, finish, mean_and_spread, median, real_runs, realdata_parser  # noqa: E402


NEEDED = {"05": "clinc150/data_full_trainval.json", "06": "finphrase/Sentences_AllAgree.txt"}
NEEDED["08"] = "conll04/train.json"  # and conll04/valid.json beside it
NEEDED["09"] = NEEDED["06"]
CORPUS = "wikitext2/valid.txt"
VALID_PER_INTENT = 10


def lay_out(real: Path, data_dir: Path, notebooks: list[str], corpus: bool, seed: int = 0) -> None:
    """Write a DATA_DIR from the real sets (see the module's docstring)."""
    if corpus:
        (data_dir / "corpus").mkdir(parents=True)
        (data_dir / "corpus" / "wikitext2.txt").symlink_to(real / CORPUS)
    if "05" in notebooks:
        clinc = json.loads((real / NEEDED["05"]).read_text(encoding="utf-8"))
        rng = random.Random(seed)
        by_intent: dict[str, list] = {}
        for row in clinc["train"]:
            by_intent.setdefault(row[1], []).append(row)
        train, valid = [], []
        for intent in sorted(by_intent):
            rows = by_intent[intent]
            rng.shuffle(rows)
            valid += rows[:VALID_PER_INTENT]
            train += rows[VALID_PER_INTENT:]
        oos = clinc["oos_train"][:]
        rng.shuffle(oos)
        half = len(oos) // 2
        service = {"train": train, "val": valid, "test": clinc["val"],
                   "oos_train": oos[:half], "oos_val": oos[half:], "oos_test": clinc["oos_val"]}
        (data_dir / "service").mkdir(parents=True)
        (data_dir / "service" / "data_full.json").write_text(json.dumps(service), encoding="utf-8")
    if {"06", "09"} & set(notebooks):
        (data_dir / "finance").mkdir(parents=True)
        (data_dir / "finance" / "Sentences_AllAgree.txt").symlink_to(real / NEEDED["06"])
    if "08" in notebooks:
        (data_dir / "kg").mkdir(parents=True)
        (data_dir / "kg" / "train.json").symlink_to(real / NEEDED["08"])
        (data_dir / "kg" / "test.json").symlink_to(real / "conll04" / "valid.json")  # dev, reported as test in 08


args_parser = realdata_parser(__doc__)
args_parser.add_argument("--only", nargs="+", default=list(NEEDED), choices=list(NEEDED))
args_parser.add_argument("--corpus", action="store_true", help=f"pretrain on WikiText-2 ({CORPUS}) instead of the bundled corpus")
args = args_parser.parse_args()
needed = [NEEDED[n] for n in args.only] + ([CORPUS] if args.corpus else [])
runs = real_runs("bench_casestudies", args, needed, ["01", *args.only],
                 lambda real, data_dir: lay_out(real, data_dir, args.only, args.corpus))

m = lambda nb, key: [runs[s][nb].metrics[key] for s in args.seeds]  # noqa: E731
figures = {"seeds": args.seeds, "corpus": "WikiText-2 valid" if args.corpus else "bundled", "metrics": {s: {nb: r.metrics for nb, r in runs[s].items() if nb != "01"} for s in args.seeds},
           "minutes": {nb: [runs[s][nb].seconds / 60 for s in args.seeds] for nb in ["01", *args.only]}}
targets = []
if "05" in args.only:
    figures["data_05"] = ("CLINC150 train less 10 per intent and half of oos_train / validation: those / "
                          "dev (reported as test in the notebook): CLINC150 val and oos_val")
    for key in ("service_inscope_accuracy", "service_oos_recall", "service_oos_precision", "service_inscope_accuracy_tfidf",
                "service_oos_recall_tfidf", "service_inscope_accuracy_mean", "service_oos_recall_mean",
                "service_inscope_accuracy_deployed", "service_oos_recall_deployed", "service_router_reward", "service_router_reward_threshold_rule",
                "service_router_reward_random"):
        figures[key] = mean_and_spread(m("05", key))
    minutes = [a + b for a, b in zip(figures["minutes"]["01"], figures["minutes"]["05"])]
    targets += [
        Target("clinc_dev_inscope_accuracy_mean", figures["service_inscope_accuracy"]["mean"], 0.90),
        Target("clinc_dev_oos_recall_mean", figures["service_oos_recall"]["mean"], 0.50),
        Target("clinc_dev_deployed_inscope_accuracy_mean", figures["service_inscope_accuracy_deployed"]["mean"], 0.90),
        Target("clinc_dev_deployed_oos_recall_mean", figures["service_oos_recall_deployed"]["mean"], 0.50),
        Target("minutes_01_plus_05_median", median(minutes), 15.0, at_most=True),
        Target("router_minus_threshold_rule_mean", figures["service_router_reward"]["mean"]
               - figures["service_router_reward_threshold_rule"]["mean"], 0.0),
        Target("router_minus_random_mean", figures["service_router_reward"]["mean"]
               - figures["service_router_reward_random"]["mean"], 0.1),
    ]
if "06" in args.only:
    figures["data_06"] = "Financial PhraseBank all-agree, split by the notebook (seeded, stratified 80/10/10)"
    for key in ("fin_accuracy", "fin_macro_f1", "fin_accuracy_tfidf", "fin_accuracy_mean", "fin_accuracy_majority",
                "fin_accuracy_deployed", "fin_macro_f1_deployed"):
        figures[key] = mean_and_spread(m("06", key))
    targets += [
        Target("phrasebank_allagree_accuracy_mean", figures["fin_accuracy"]["mean"], 0.90),
        Target("phrasebank_allagree_deployed_accuracy_mean", figures["fin_accuracy_deployed"]["mean"], 0.90),
        Target("phrasebank_accuracy_minus_tfidf_mean", figures["fin_accuracy"]["mean"] - figures["fin_accuracy_tfidf"]["mean"], 0.0),
        Target("minutes_06_median", median(figures["minutes"]["06"]), 10.0, at_most=True),
    ]
if "08" in args.only:
    figures["data_08"] = ("CoNLL04 train.json, less the notebook's seeded validation tenth / dev (reported as test in "
                          "the notebook): CoNLL04 valid.json")
    for key in ("kg_entity_f1", "kg_entity_f1_unigram", "kg_relation_f1", "kg_relation_f1_pattern", "kg_qa_exact_match",
                "kg_qa_exact_match_pattern", "kg_linkpred_mrr", "kg_linkpred_mrr_baseline"):
        figures[key] = mean_and_spread(m("08", key))
    minutes = [a + b for a, b in zip(figures["minutes"]["01"], figures["minutes"]["08"])]
    targets += [
        Target("conll04_dev_relation_f1_mean", figures["kg_relation_f1"]["mean"], 0.55),
        Target("conll04_dev_entity_f1_mean", figures["kg_entity_f1"]["mean"], 0.80),
        Target("minutes_01_plus_08_median", median(minutes), 15.0, at_most=True),
    ]
if "09" in args.only:
    figures["data_09"] = "Financial PhraseBank all-agree, split by the notebook as in 06; corpus: " + figures["corpus"]
    for key in ("lm_val_perplexity", "lm_ngram_perplexity", "lm_perplexity_ratio", "rl_positive_share_before",
                "rl_positive_share_after", "rl_kl_per_token", "rl_distinct2_before", "rl_distinct2_after",
                "rl_distinct2_after_no_kl", "rl_reward_model_accuracy"):
        figures[key] = mean_and_spread(m("09", key))
    targets.append(Target("lm_perplexity_ratio_max", max(m("09", "lm_perplexity_ratio")), 0.75, at_most=True))
partial = "" if set(args.only) == set(NEEDED) else "_only_" + "_".join(sorted(args.only))  # never overwrites a full run
finish(f"casestudies_{args.profile}" + ("_wikitext2" if args.corpus else "") + partial, args.profile, figures, targets, args.report_only)
