"""Issue 10's other self-supervised objectives and fine-tuning recipes, measured as arms of notebook 02's comparison: Banking77 at
the smallest label budget, every arm fine-tuned with 02's recipe.

    python bench/bench_sentence_objectives.py --realdata DIR [--profile laptop] [--seeds 42 43 44]
                                              [--reuse RUN] [--report-only]
    (or set LABKIT_REALDATA=DIR)

Notebook 01 runs once (seed 42) as a learner would, on a ``DATA_DIR`` holding WikiText-2's validation split
as ``corpus/`` and Banking77's train file split 80/20 as ``intents/`` (as in ``bench_realdata.py``; the NER set
is the bundled one); it leaves the general encoder and the adapted one (after masked-LM on the unlabelled
training texts of 02's two tasks). ``--reuse RUN`` takes them from the run folder of an earlier
``labkit run --only 01`` on the same corpus and intents instead (e.g. ``bench_realdata.py``'s layout, CoNLL-2003 as ``ner/``).
Each arm then reads the unlabelled training messages with one more objective, and is fine-tuned on the
smallest budget with 02's recipe, defined once in ``labkit.ch02``: ``fine_tune_classifier``, ``budget_indices`` and
``budget_epochs``:

- ``scratch``, ``general``, ``adapted``: notebook 02's own arms;
- ``simcse(...)``: unsupervised SimCSE (Gao et al. 2021): each message through the encoder twice with
  dropout on; its two mean-pooled vectors are a positive pair, the batch's other messages the negatives
  (InfoNCE at temperature 0.05);
- ``rtd(...)``: ELECTRA's replaced-token detection (Clark et al. 2020) with a unigram generator: 15 % of each
  message's tokens are replaced by tokens drawn from the messages' unigram distribution, and the encoder
  with a one-unit head learns which ones were replaced (ELECTRA's generator is a small masked-LM; a
  unigram one is the cheapest stand-in, and ELECTRA's ablations find it weaker).

Three more arms keep the adapted encoder and change how it is fine-tuned, the usual remedies when a
pretrained model trails at few labels (scratch is measured again with the first, which changes both):

- ``... batch 8``: batches of 8 instead of the profile's 32, so the same epochs make four times the updates;
- ``adapted, frozen embeddings``: the token and position embeddings kept as pretrained, so a word the few
  labelled messages never show keeps the place pretraining gave it, next to the words it behaves like;
- ``adapted, linear probe first``: the head trained alone on the frozen encoder first, then everything
  (LP-FT, Kumar et al. 2022: a random head's first gradients can distort the features it reads).

Per arm: 02's neighbour agreement (``ch02.neighbour_agreement``) on the validation messages (before any label)
and test accuracy, mean and spread over the fine-tuning seeds (the encoders come from one 01 run, seed 42); the
gain over scratch fine-tuned the same way.
No targets: issue 10's +5-point target is judged by ``bench_realdata.py``.
"""
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402  - sets the Keras flags
from common import finish, mean_and_spread, realdata_parser, write_banking77_split  # noqa: E402

import numpy as np  # noqa: E402

from labkit import ch01, ch02, data  # noqa: E402
from labkit.blocks import text  # noqa: E402
from labkit.course.artifacts import load_encoder  # noqa: E402
from labkit.course.runner import run_notebooks  # noqa: E402

NEEDED = ("wikitext2/valid.txt", "banking77/train.csv")
ARMS = ("scratch", "general", "adapted", "simcse(general)", "simcse(adapted)", "rtd(adapted)", "scratch, batch 8",
        "adapted, batch 8", "adapted, frozen embeddings", "adapted, linear probe first")
EPOCHS, BATCH, PEAK_RATE, TEMPERATURE, REPLACE_RATE = 3, 64, 3e-4, 0.05, 0.15


def lay_out(real: Path, data_dir: Path) -> None:
    (data_dir / "corpus").mkdir(parents=True)
    (data_dir / "corpus" / "wikitext2.txt").symlink_to(real / "wikitext2" / "valid.txt")
    write_banking77_split(real, data_dir / "intents")


def continue_training(encoder, objective: str, messages: np.ndarray, seed: int):
    """A copy of ``encoder`` after ``EPOCHS`` passes of ``objective`` ("simcse" or "rtd") over the unlabelled
    ``messages`` (token ids), AdamW on a warm-up + cosine schedule."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = keras.models.clone_model(encoder)
    model.set_weights(encoder.get_weights())
    detector = keras.layers.Dense(1, name="replaced")  # rtd's head, dropped afterwards
    detector.build((None, None, model.output_shape[-1]))
    steps = EPOCHS * (len(messages) // BATCH)
    optimizer = ch01.warmup_cosine_adamw(steps, PEAK_RATE)  # 01's schedule
    weights = model.trainable_variables + (detector.trainable_variables if objective == "rtd" else [])
    real_ids = messages[messages >= len(text.SPECIAL_TOKENS)]
    unigram = tf.constant(np.log(np.bincount(real_ids, minlength=model.get_layer("embedding").vocabulary_size) + 1e-9)[None],
                          "float32")

    def pooled(ids):
        hidden = model(ids, training=True)  # dropout on: SimCSE's only augmentation
        real = tf.cast(ids != text.PAD_ID, hidden.dtype)[..., None]
        return tf.math.l2_normalize(tf.reduce_sum(hidden * real, 1) / tf.reduce_sum(real, 1), -1)

    def simcse_loss(ids):
        logits = tf.matmul(pooled(ids), pooled(ids), transpose_b=True) / TEMPERATURE
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(tf.range(tf.shape(ids)[0]), logits))

    def rtd_loss(ids):
        real = ids >= len(text.SPECIAL_TOKENS)
        replace = real & (tf.random.uniform(tf.shape(ids)) < REPLACE_RATE)
        drawn = tf.reshape(tf.random.categorical(unigram, tf.size(ids), dtype="int32"), tf.shape(ids))
        corrupted = tf.where(replace, drawn, ids)
        target = tf.cast(corrupted != ids, "float32")  # a draw of the same token is not a replacement
        logits = detector(model(corrupted, training=True))[..., 0]
        loss = tf.nn.sigmoid_cross_entropy_with_logits(target, logits)
        return tf.reduce_sum(loss * tf.cast(real, loss.dtype)) / tf.reduce_sum(tf.cast(real, loss.dtype))

    loss_of = {"simcse": simcse_loss, "rtd": rtd_loss}[objective]

    @tf.function(jit_compile=True)
    def step(ids):
        with tf.GradientTape() as tape:
            loss = loss_of(ids)
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    rng = np.random.default_rng(seed)
    for epoch in range(EPOCHS):
        order = rng.permutation(len(messages))
        losses = [float(step(tf.constant(messages[order[i: i + BATCH]])))
                  for i in range(0, len(order) - BATCH + 1, BATCH)]
        print(f"    {objective} epoch {epoch + 1}/{EPOCHS}: loss {np.mean(losses):.4f}", flush=True)
    return model


def fine_tune(encoder, recipe: str, train, valid, epochs: int, pretrained: bool):
    """Notebook 02's fine-tuning (``ch02.fine_tune_classifier``), changed as ``recipe`` says ("" for none)."""
    import keras

    if recipe == "batch 8":
        return ch02.fine_tune_classifier(encoder, len(names), train, valid, dataclasses.replace(P, finetune_batch_size=8),
                                          epochs=epochs, pretrained=pretrained)[0]
    if recipe == "frozen embeddings":  # clone_model keeps a layer's trainable flag
        frozen = keras.models.clone_model(encoder)
        frozen.set_weights(encoder.get_weights())
        frozen.get_layer("embedding").trainable = False
        encoder = frozen
    if recipe != "linear probe first":
        return ch02.fine_tune_classifier(encoder, len(names), train, valid, P, epochs=epochs, pretrained=pretrained)[0]
    copy = keras.models.clone_model(encoder)
    copy.set_weights(encoder.get_weights())
    model = ch02.build_classifier(copy, len(names))
    for trainable, rate in ((False, 10 * P.finetune_learning_rate), (True, None)):  # None: the profile's rate
        copy.trainable = trainable  # the head alone (at the linear probe's rate, as in 02), then everything
        ch02.fit_classifier(model, train, valid, P, epochs=epochs, learning_rate=rate)
    return model


p = realdata_parser(__doc__)
p.add_argument("--reuse", type=Path, help="run folder of an earlier `labkit run --only 01` on this layout")
args = p.parse_args()
missing = [n for n in NEEDED if not args.realdata or not (Path(args.realdata) / n).is_file()]
if missing:
    sys.exit(print(f"bench_sentence_objectives: no real data ({', '.join(missing)} not found under --realdata / "
                   f"$LABKIT_REALDATA = {args.realdata}); nothing measured."))
started = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:
    data_dir = Path(tmp) / "data"
    lay_out(Path(args.realdata).resolve(), data_dir)
    run = args.reuse
    if run is None:
        run = Path(tmp) / "run"
        _, results = run_notebooks(args.profile, 42, ["01"], data_dir, run)
        if results[0].status != "ok":
            sys.exit(f"notebook 01: {results[0].error}")
    lab = labkit.setup("bench_sentence_objectives", args.profile, 42, run / "bench_sentence_objectives", data_dir)
    P = lab.profile
    encoders = {"general": load_encoder(lab).encoder, "adapted": load_encoder(lab, "adapted_encoder").encoder}
    tokenizer = load_encoder(lab).tokenizer
    intents = data.load_intents(data_dir, seed=42)

import keras  # noqa: E402

names = sorted(set(intents["train"].labels))
split = {}
for part in ("train", "valid", "test"):
    texts, labels, _ = text.split_unknown_labels(intents[part].texts, intents[part].labels, names)
    split[part] = (text.tokenize(tokenizer, texts), np.array([names.index(label) for label in labels]))
low = min(P.label_budgets)
epochs = ch02.budget_epochs(P.cls_epochs, low)  # notebook 02's epochs for this budget
measured = {arm: {"agreement": [], "accuracy": []} for arm in ARMS}
for seed in args.seeds:
    for arm in ARMS:
        t = time.perf_counter()
        start, _, recipe = arm.partition(", ")
        objective, _, inner = start.rstrip(")").partition("(")
        if start == "scratch":
            encoder = keras.models.clone_model(encoders["general"])  # random weights
        elif start in encoders:
            encoder = encoders[start]
        else:
            encoder = continue_training(encoders[inner], objective, split["train"][0], seed)
        keras.utils.set_random_seed(seed)
        keep = ch02.budget_indices(split["train"][1], low, seed)
        labelled = (split["train"][0][keep], split["train"][1][keep])
        model = fine_tune(encoder, recipe, labelled, split["valid"], epochs, pretrained=start != "scratch")
        measured[arm]["agreement"].append(ch02.neighbour_agreement(encoder, *split["valid"]))
        measured[arm]["accuracy"].append(float(model.evaluate(*split["test"], verbose=0)[1]))
        print(f"seed {seed} {arm:>16}: neighbour agreement {measured[arm]['agreement'][-1]:.3f}, test accuracy at "
              f"{low:.0%} {measured[arm]['accuracy'][-1]:.3f} ({time.perf_counter() - t:.0f} s)", flush=True)


def scratch_of(arm: str) -> np.ndarray:
    """Scratch's accuracies under ``arm``'s fine-tuning recipe where scratch was run with it, else plain."""
    recipe = arm.partition(", ")[2]
    return np.array(measured.get(f"scratch, {recipe}", measured["scratch"])["accuracy"])


arms = {arm: {"neighbour_agreement": mean_and_spread(m["agreement"]), "test_accuracy": mean_and_spread(m["accuracy"]),
              "gain_points_over_scratch": mean_and_spread(100 * (np.array(m["accuracy"]) - scratch_of(arm)))}
        for arm, m in measured.items()}
finish(f"sentence_objectives_{args.profile}", args.profile, {
    "seeds": args.seeds, "budget": low, "minutes": (time.perf_counter() - started) / 60,
    "data": {"corpus": "WikiText-2 valid", "intents": "Banking77 train, seeded 80/20 (held-out 20 % as test)",
             "encoders": "notebook 01, seed 42" + (f", reused from {args.reuse.name}" if args.reuse else "")},
    "recipe": {"epochs": EPOCHS, "batch": BATCH, "peak_rate": PEAK_RATE, "temperature": TEMPERATURE,
               "replace_rate": REPLACE_RATE}, "arms": arms}, [], args.report_only)
