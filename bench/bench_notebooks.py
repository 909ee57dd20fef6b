"""Every notebook through ``labkit run``, once per seed: wall times, headline figures, and targets.

    python bench/bench_notebooks.py [--profile laptop] [--seeds 42 43 44] [--only 01 02] [--report-only]
                                    [--checkpoint bert_tiny_en_uncased]

With ``--only``, the figures of the notebooks run replace theirs in the last results file and the other
notebooks' figures stay (``commits`` says which commit each notebook's figures come from). The notebooks that make
the artifacts the measured ones load (``labkit.course.chapters.reads``) run first in the seed's folder, not measured.

Each seed runs the notebooks in a fresh run folder (fresh kernels, shared artifacts, nothing
resumed), so a seed's figures come from its own pretraining, fine-tuning and agents. The key
comparisons are reported as mean, standard deviation and range over the seeds:

- pretraining: full fine-tuning minus scratch, intent test accuracy at the smallest label budget,
  from the general encoder and from the one adapted on the unlabelled intent messages;
- instruction following: held-out paraphrase success, and its gap to the better baseline
  (no-language agent or random policy, same split);
- faithfulness: the drop of the predicted intent's probability after deleting the top 3 words
  by LIME, by integrated gradients, and at random.

Targets (laptop): pretraining gain at least 5 points (mean); DQN return at least 475 within
180 CPU-seconds of training (median); held-out paraphrases at least 90 % and at least 30 points
above the better baseline (mean); LIME at most 2 s per explanation and both methods' drops at
least twice the random one (mean); 05's learned router at least the best threshold rule (mean); 06's
alerts: no shift missed, median delay at most 3 days, at most 1 false alarm per 100 days (median); 07: RMSE at
most 0.92 and HR@10 at least 0.65 (mean), each model at most 120 CPU-seconds, LinUCB's regret at most half of
random's (mean); each notebook within its time (median seconds). Under ``ci`` only the times are targets.
09: the GPT's held-out perplexity at most 0.75 of the Kneser-Ney trigram's, RL raising the share of generations the
reward model calls positive by at least 30 points with at most 0.5 nats of KL per generated token and distinct-2 at
least 80 % of its start, and the run without the KL penalty collapsing (distinct-2 below 80 % of its start) (worst seed).
11 (BabyAI): GoToObj at least 95 % with at most 1,000 demonstrations and GoToLocal at least 70 % (gpu: 95 %) (worst
seed), GoToLocal's demonstrations, cloning and RL within 20 CPU-minutes, the pretrained encoder at least 10 points above
the bag of words (mean).
Results: ``bench/results/notebooks_<profile>.json``.

With ``--checkpoint NAME`` (a keras_hub preset name, a handle, or a folder saved with ``save_to_preset``), the
notebooks that take ``CHECKPOINT`` (02, 05, 06, 08; by default all of them, 01 first for what they read of it) run
with that published encoder, and the figures go to ``bench/results/notebooks_<profile>_<NAME>.json`` (a folder's
own name), which records the checkpoint; the notebooks' expected-results tables then show a column
"published checkpoint (NAME)" (``labkit.course.expected``). The targets above are the kit's encoder's: with a
checkpoint only the figures are reported. A preset name downloads once (it needs the network).
"""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
from common import COMMIT_AT_START, RESULTS, Target, finish, mean_and_spread, median, parser  # noqa: E402

from labkit.course import chapters  # noqa: E402
from labkit.course.artifacts import ARTIFACTS  # noqa: E402
from labkit.course.expected import checkpoint_name, results_name, takes_checkpoint  # noqa: E402
from labkit.course.runner import KIT, is_kit, list_notebooks, run_notebooks  # noqa: E402

SECONDS = {"ci": dict.fromkeys(("00", "01", "02", "03", "04"), 150) | dict.fromkeys(("05", "06", "07", "08", "09"), 90),
           "laptop": {"00": 60, "01": 600, "02": 600, "03": 720, "04": 480} | dict.fromkeys(("05", "06", "07", "08", "09"), 600)}
SECONDS["ci"]["11"], SECONDS["laptop"]["11"] = 90, 900  # 11 (BabyAI): at most 90 s under ci, 15 minutes on a laptop
SECONDS["ci"]["10"], SECONDS["laptop"]["10"] = 120, 600  # 10 (the capstone), with the artifacts it loads present

args_parser = parser(__doc__)
args_parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
args_parser.add_argument("--only", nargs="+", metavar="NN")
args_parser.add_argument("--checkpoint", default=KIT, metavar="NAME",
                         help="a published encoder for the notebooks that take CHECKPOINT (a keras_hub preset name, "
                              "a handle, or a save_to_preset folder); results: notebooks_<profile>_<NAME>.json")
args = args_parser.parse_args()
RESULTS_NAME = results_name(args.profile, args.checkpoint)
if not is_kit(args.checkpoint):
    folder = Path(args.checkpoint).expanduser()
    args.checkpoint = str(folder.resolve()) if folder.is_dir() else args.checkpoint
    args.only = args.only or [p.stem[:2] for p in list_notebooks() if takes_checkpoint(p.stem)]

runs = {}
for seed in args.seeds:
    with tempfile.TemporaryDirectory() as tmp:
        if args.only:  # the notebooks that make what the measured ones load run first, not measured
            makers = sorted({ARTIFACTS[a].notebook for n in args.only for a in chapters.reads(n)} - set(args.only))
            if makers:
                run_notebooks(args.profile, seed, makers, output=Path(tmp) / "run")
        _, results = run_notebooks(args.profile, seed, args.only, output=Path(tmp) / "run", checkpoint=args.checkpoint)
    runs[seed] = {r.notebook: r for r in results}
    if any(r.status != "ok" for r in results):
        sys.exit(f"seed {seed}: {', '.join(f'{r.notebook} {r.error}' for r in results if r.status != 'ok')}")

names = list(runs[args.seeds[0]])
metric = lambda prefix, key: [runs[s][n].metrics[key] for s in args.seeds for n in names if n.startswith(prefix)]
figures = {
    "seeds": args.seeds,
    "seconds": {n: [runs[s][n].seconds for s in args.seeds] for n in names},
    "metrics": {n: {s: runs[s][n].metrics for s in args.seeds} for n in names},
    "over_seeds": {},
}
if not is_kit(args.checkpoint):
    figures["checkpoint"] = checkpoint_name(args.checkpoint)
targets = [Target(f"{n[:2]}_median_seconds", median(figures["seconds"][n]), SECONDS[args.profile][n[:2]], at_most=True)
           for n in names if args.profile in SECONDS]
spread = figures["over_seeds"]

if any(n.startswith("02") for n in names):
    scratch_low = metric("02", "cls_accuracy_scratch_low")
    for arm, key in (("pretraining", "cls_accuracy_pretrained_low"), ("adapted_pretraining", "cls_accuracy_adapted_low")):
        spread[f"{arm}_gain_points_smallest_budget"] = mean_and_spread(
            [100 * (p - s) for p, s in zip(metric("02", key), scratch_low)])
    for key in ("cls_accuracy_pretrained_low", "cls_accuracy_adapted_low", "cls_accuracy_scratch_low", "cls_accuracy",
                "ner_entity_f1"):
        spread[key] = mean_and_spread(metric("02", key))
    targets.append(Target("pretraining_gain_points_mean", spread["pretraining_gain_points_smallest_budget"]["mean"], 5.0))

if any(n.startswith("03") for n in names):
    paraphrase = metric("03", "instr_success_heldout_paraphrase")
    better = [max(a, b) for a, b in zip(metric("03", "instr_success_no_language"), metric("03", "instr_success_random"))]
    spread["instr_success_heldout_paraphrase"] = mean_and_spread(paraphrase)
    spread["instr_gap_to_better_baseline"] = mean_and_spread([p - b for p, b in zip(paraphrase, better)])
    spread["cartpole_dqn_avg_return"] = mean_and_spread(metric("03", "cartpole_dqn_avg_return"))
    targets += [
        Target("dqn_return_median", median(metric("03", "cartpole_dqn_avg_return")), 475),
        Target("dqn_train_cpu_seconds_median", median(metric("03", "cartpole_dqn_train_cpu_seconds")), 180, at_most=True),
        Target("instr_heldout_paraphrase_mean", spread["instr_success_heldout_paraphrase"]["mean"], 0.90),
        Target("instr_gap_to_better_baseline_mean", spread["instr_gap_to_better_baseline"]["mean"], 0.30),
    ]

if any(n.startswith("04") for n in names):
    for method in ("lime", "ig", "random"):
        spread[f"deletion_drop_k3_{method}"] = mean_and_spread(metric("04", f"deletion_drop_k3_{method}"))
    random_drop = spread["deletion_drop_k3_random"]["mean"]
    targets += [
        Target("lime_seconds_median", median(metric("04", "lime_seconds_per_explanation")), 2.0, at_most=True),
        Target("lime_drop_over_random_mean", spread["deletion_drop_k3_lime"]["mean"] / random_drop, 2.0),
        Target("ig_drop_over_random_mean", spread["deletion_drop_k3_ig"]["mean"] / random_drop, 2.0),
    ]

if any(n.startswith("05") for n in names):
    for key in ("service_inscope_accuracy", "service_oos_recall", "service_router_reward", "service_router_reward_threshold_rule"):
        spread[key] = mean_and_spread(metric("05", key))
    targets.append(Target("router_minus_threshold_rule_mean", spread["service_router_reward"]["mean"]
                          - spread["service_router_reward_threshold_rule"]["mean"], 0.0))

if any(n.startswith("06") for n in names):
    for key in ("fin_accuracy", "fin_accuracy_tfidf", "alert_delay_days", "alert_false_alarms_per_100_days", "alert_missed"):
        spread[key] = mean_and_spread(metric("06", key))
    targets += [
        Target("alert_missed_max", max(metric("06", "alert_missed")), 0, at_most=True),
        Target("alert_delay_days_median", median(metric("06", "alert_delay_days")), 3.0, at_most=True),
        Target("alert_false_alarms_per_100_days_median", median(metric("06", "alert_false_alarms_per_100_days")), 1.0,
               at_most=True),
    ]

if any(n.startswith("09") for n in names):
    for key in ("lm_perplexity_ratio", "rl_positive_share_before", "rl_positive_share_after", "rl_kl_per_token",
                "rl_distinct2_before", "rl_distinct2_after", "rl_reward_after_no_kl", "rl_distinct2_after_no_kl"):
        spread[key] = mean_and_spread(metric("09", key))
    before, after = metric("09", "rl_positive_share_before"), metric("09", "rl_positive_share_after")
    d2_before = metric("09", "rl_distinct2_before")
    targets += [
        Target("lm_perplexity_ratio_max", max(metric("09", "lm_perplexity_ratio")), 0.75, at_most=True),
        Target("rl_positive_share_gain_points_min", min(100 * (a - b) for a, b in zip(after, before)), 30.0),
        Target("rl_kl_per_token_max", max(metric("09", "rl_kl_per_token")), 0.5, at_most=True),
        Target("rl_distinct2_kept_min", min(a / b for a, b in zip(metric("09", "rl_distinct2_after"), d2_before)), 0.8),
        Target("rl_no_kl_distinct2_kept_max",
               max(a / b for a, b in zip(metric("09", "rl_distinct2_after_no_kl"), d2_before)), 0.8, at_most=True),
    ]

if args.only and (RESULTS / f"{RESULTS_NAME}.json").is_file():
    # a partial run updates its notebooks in the last results and keeps the others' figures and targets
    last = json.loads((RESULTS / f"{RESULTS_NAME}.json").read_text())
    figures["commits"] = {**last.get("commits", dict.fromkeys(last["seconds"], last["commit"])),
                          **dict.fromkeys(names, COMMIT_AT_START)}
    for key in ("seconds", "metrics", "over_seeds"):
        figures[key] = {**last.get(key, {}), **figures[key]}
    fresh = {t.name for t in targets}
    targets = [Target(n, t["value"], t["goal"], t["at_most"]) for n, t in last["targets"].items() if n not in fresh] + targets
if any(n.startswith("07") for n in names):
    for key in ("rec_rmse", "rec_rmse_bias_baseline", "rec_hr_at_10", "rec_hr_at_10_popularity", "bandit_regret_saved"):
        spread[key] = mean_and_spread(metric("07", key))
    targets += [
        Target("rec_rmse_mean", spread["rec_rmse"]["mean"], 0.92, at_most=True),
        Target("rec_hr_at_10_mean", spread["rec_hr_at_10"]["mean"], 0.65),
        Target("rec_model_cpu_seconds_max", max(metric("07", "rec_mf_cpu_seconds") + metric("07", "rec_tower_cpu_seconds")),
               120, at_most=True),
        Target("bandit_regret_saved_mean", spread["bandit_regret_saved"]["mean"], 0.5),  # regret at most half of random's
    ]

if any(n.startswith("11") for n in names):
    for key in ("babyai_gotoobj_success", "babyai_gotolocal_success", "babyai_rl_start_success", "babyai_rl_success",
                "babyai_gotolocal_success_bow", "babyai_gotolocal_success_no_language", "babyai_rl_gain_points",
                "babyai_steps_per_second", "babyai_steps_per_second_batched"):
        spread[key] = mean_and_spread(metric("11", key))
    targets += [
        Target("babyai_gotoobj_success_min", min(metric("11", "babyai_gotoobj_success")), 0.95),
        Target("babyai_demos_used_max", max(metric("11", "babyai_demos_used")), 1000, at_most=True),
        Target("babyai_gotolocal_success_min", min(metric("11", "babyai_gotolocal_success")),
               0.95 if args.profile == "gpu" else 0.70),
        Target("babyai_gotolocal_cpu_minutes_max", max(metric("11", "babyai_gotolocal_cpu_seconds")) / 60, 20,
               at_most=True),
        Target("babyai_pretrained_minus_bow_points_mean",  # the cloned agents, same demonstrations
               mean_and_spread([100 * (p - b) for p, b in zip(metric("11", "babyai_gotolocal_success"),
                                                              metric("11", "babyai_gotolocal_success_bow"))])["mean"], 10.0),
    ]

if args.profile == "ci":  # the quality targets are the laptop profile's; ci's tiny models only show that the code learns
    targets = [t for t in targets if t.name.endswith("_median_seconds")]
if not is_kit(args.checkpoint):  # the targets are set for the kit's own encoder: a published one is only reported
    targets = []
finish(RESULTS_NAME, args.profile, figures, targets, args.report_only)
