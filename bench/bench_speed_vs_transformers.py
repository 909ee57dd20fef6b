"""Training speed of the kit's masked-LM against the usual alternative, Hugging Face ``transformers``'
``BertForMaskedLM`` on PyTorch, both on CPU, same inputs, same steps, one run (issue 15).

    python bench/bench_speed_vs_transformers.py [--profile laptop|ci] [--threads 2] [--report-only]

The configuration: vocabulary 8,000, hidden 128, 2 layers, 4 heads, feed-forward 512, dropout 0.1, batch 32,
windows of 128 tokens, 15 % of the tokens masked, AdamW (learning rate 1e-3, weight decay 0.01).

- The kit: notebook 01's own model code, defined once in ``labkit.ch01`` and shown by the notebook
  (``build_encoder``: keras_hub ``TokenAndPositionEmbedding`` + ``TransformerEncoder``; ``build_mlm_model``:
  ``MaskedLMHead`` tied to the token embedding), so this script times what learners train. Keras 3 on TensorFlow,
  compiled as in the notebook (cross-entropy weighted by the mask weights, masked-token accuracy) but with a constant
  learning rate, once with ``jit_compile=False`` and once with XLA.
- transformers: ``BertForMaskedLM`` (``BertConfig`` of the same sizes, ``torch.optim.AdamW``), run by
  ``torch_mlm.py`` in a virtual environment of its own, ``bench/.torch-venv/`` (gitignored), made on first
  use with ``pip install torch==2.13.0 transformers``; torch is never a dependency of the kit.

Same inputs: random token windows (token values do not change the speed) are masked once, here, by
notebook 01's masker (``labkit.ch01.mlm_masker``, keras_hub's ``MaskedLMMaskGenerator``: each token chosen with
probability 0.15, at most 29 per window, 80 % [MASK] / 10 % random / 10 % kept) and written to an .npz that both
sides read. Both
compute the loss over the same masked tokens; transformers gets labels -100 at every other position. The
computation differs where the libraries differ: the kit's ``MaskedLMHead`` gathers the masked positions
first and runs its dense layer, layer norm and 8,000-way output on those 29 slots per window only, while
``BertForMaskedLM`` runs its head on all 128 positions and its loss then drops the -100s. (Minor: BERT's
token-type embedding and layer-norm epsilon 1e-12 against keras_hub's 1e-5.)

Tokens per second = batch x 128 x timed steps / seconds; the warm-up steps (graph tracing, XLA compilation,
torch's first allocations) are not timed. Both sides get the same thread count (``--threads``, default 2):
TensorFlow's intra- and inter-op pools, ``torch.set_num_threads`` and ``set_num_interop_threads``. On a
2-core machine both libraries' defaults are 2 anyway (torch's is recorded); the setting keeps the two equal
on bigger machines. The three runs take turns within each repeat
(order rotated) and the figures are medians over the repeats; the machine is shared, so the load when the
script started and before each repeat is recorded.

Target (issue 15): the kit at least 2.5x transformers' tokens per second, with XLA and without.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402,F401  - sets the Keras flags
import keras  # noqa: E402
import keras_hub  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from common import ROOT, Target, finish, median, parser  # noqa: E402

from labkit import ch01  # noqa: E402
from labkit.blocks import text  # noqa: E402

HERE = Path(__file__).resolve().parent
TORCH_VENV = HERE / ".torch-venv"
VOCAB, HIDDEN, LAYERS, HEADS, INTERMEDIATE = 8000, 128, 2, 4, 512
BATCH, SEQ_LEN, MASK_RATE, LEARNING_RATE = 32, 128, 0.15, 1e-3
MASK_LEN = ch01.mask_length(SEQ_LEN, MASK_RATE)  # as notebook 01: room for one window's masked tokens
SIZES = {"laptop": (3, 10, 3), "ci": (2, 3, 1)}  # warm-up steps, timed steps, repeats
GOAL = 2.5
RUNS = ("keras", "keras_xla", "torch")


def torch_python() -> Path:
    """The Python of the torch environment, made on first use (a marker file says it is complete)."""
    python, ready = TORCH_VENV / "bin" / "python", TORCH_VENV / "ready"
    if not ready.exists():
        print(f"making {TORCH_VENV.relative_to(ROOT)} (once): pip install torch==2.13.0 transformers", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TORCH_VENV)], check=True)
        # the exact version: this machine's pip has that CPU build on disk; an open "torch" pulls a CUDA build
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "torch==2.13.0", "transformers"], check=True)
        ready.touch()
    return python


def masked_batches(steps: int) -> dict:
    """``steps`` batches of random windows masked by notebook 01's masker, in both libraries' formats."""
    keras.utils.set_random_seed(0)
    ids = np.random.default_rng(0).integers(len(text.SPECIAL_TOKENS), VOCAB, (steps * BATCH, SEQ_LEN), np.int32)
    masker = ch01.mlm_masker(VOCAB, MASK_RATE, MASK_LEN)
    m = {k: np.asarray(v) for k, v in masker(ids).items()}
    labels = np.full(ids.shape, -100, np.int64)  # transformers: no prediction asked where -100
    rows, slots = np.nonzero(m["mask_weights"])
    labels[rows, m["mask_positions"][rows, slots]] = m["mask_ids"][rows, slots]
    return {**m, "labels": labels}


def keras_model(jit_compile: bool):
    model = ch01.build_mlm_model(ch01.build_encoder(VOCAB, SEQ_LEN, HIDDEN, LAYERS, HEADS, INTERMEDIATE), MASK_LEN)
    model.compile(optimizer=keras.optimizers.AdamW(LEARNING_RATE, weight_decay=0.01),
                  loss="sparse_categorical_crossentropy", weighted_metrics=["sparse_categorical_accuracy"],
                  jit_compile=jit_compile)
    return model


def keras_run(model, batches: dict) -> dict:
    """One pass over ``batches``: the time after each step (from the first step's start) and the losses."""
    class StepTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times, self.losses, self.start = [], [], time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter() - self.start)
            self.losses.append(float(logs["loss"]))

    data = tf.data.Dataset.from_tensor_slices((
        {"token_ids": batches["token_ids"], "mask_positions": batches["mask_positions"]},
        batches["mask_ids"], batches["mask_weights"])).batch(BATCH)
    timer = StepTimes()
    model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    return {"times": timer.times, "losses": timer.losses}


def torch_run(python: Path, npz: Path, threads: int) -> dict:
    run = subprocess.run([str(python), str(HERE / "torch_mlm.py"), str(npz), "--threads", str(threads),
                          "--learning-rate", str(LEARNING_RATE), "--hidden", str(HIDDEN), "--layers", str(LAYERS),
                          "--heads", str(HEADS), "--intermediate", str(INTERMEDIATE), "--vocab", str(VOCAB)],
                         capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": str(threads)})
    if run.returncode:
        sys.exit(f"torch_mlm.py failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def tokens_per_second(times: list[float], warmup: int) -> float:
    return BATCH * SEQ_LEN * (len(times) - warmup) / (times[-1] - times[warmup - 1])


def main():
    p = parser(__doc__)
    p.add_argument("--threads", type=int, default=2, help="threads for each library (default 2)")
    args = p.parse_args()
    warmup, timed, repeats = SIZES["ci" if args.profile == "ci" else "laptop"]
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    python = torch_python()
    batches = masked_batches(warmup + timed)
    models = {"keras": keras_model(False), "keras_xla": keras_model(True)}
    rates, loads, torch_info = {r: [] for r in RUNS}, [], {}
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "batches.npz"
        np.savez(npz, input_ids=batches["token_ids"].reshape(-1, BATCH, SEQ_LEN),
                 labels=batches["labels"].reshape(-1, BATCH, SEQ_LEN))
        for repeat in range(repeats):
            loads.append(round(os.getloadavg()[0], 2))
            for run in RUNS[repeat % 3:] + RUNS[:repeat % 3]:
                result = torch_run(python, npz, args.threads) if run == "torch" else keras_run(models[run], batches)
                if run == "torch":
                    torch_info = {k: result[k] for k in ("default_threads", "attention", "torch", "transformers")}
                rates[run].append(tokens_per_second(result["times"], warmup))
                # the loss only shows that both train: Keras divides by all 29 slots (as notebook 01
                # compiles it), transformers by the masked tokens
                print(f"repeat {repeat + 1}/{repeats}  {run:9s} {rates[run][-1]:9,.0f} tokens/s  "
                      f"(loss {result['losses'][0]:.2f} -> {result['losses'][-1]:.2f})", flush=True)
    tokens = {r: median(v) for r, v in rates.items()}
    ratio = {"no_xla": tokens["keras"] / tokens["torch"], "xla": tokens["keras_xla"] / tokens["torch"]}
    print(f"kit (Keras, no XLA) {tokens['keras']:,.0f} tokens/s, kit (XLA) {tokens['keras_xla']:,.0f}, "
          f"transformers (torch) {tokens['torch']:,.0f}: kit/torch {ratio['no_xla']:.2f}x without XLA, "
          f"{ratio['xla']:.2f}x with XLA")
    figures = {
        "configuration": {"vocab": VOCAB, "hidden": HIDDEN, "layers": LAYERS, "heads": HEADS,
                          "intermediate": INTERMEDIATE, "batch": BATCH, "seq_len": SEQ_LEN, "mask_rate": MASK_RATE,
                          "kit_mask_slots": MASK_LEN, "learning_rate": LEARNING_RATE,
                          "warmup_steps": warmup, "timed_steps": timed, "repeats": repeats},
        "threads": args.threads, "torch_default_threads": torch_info["default_threads"],
        "torch_attention": torch_info["attention"],
        "versions": {"keras": keras.__version__, "keras_hub": keras_hub.__version__, "tensorflow": tf.__version__,
                     "torch": torch_info["torch"], "transformers": torch_info["transformers"]},
        "load_before_each_repeat": loads,
        "tokens_per_second_median": {r: round(v) for r, v in tokens.items()},
        "kit_over_torch": {k: round(v, 2) for k, v in ratio.items()},
        "tokens_per_second_runs": {r: [round(x) for x in v] for r, v in rates.items()},
    }
    finish(f"speed_vs_transformers_{args.profile}", args.profile, figures,
           [Target("kit_over_torch_tokens_per_second_no_xla", ratio["no_xla"], GOAL),
            Target("kit_over_torch_tokens_per_second_xla", ratio["xla"], GOAL)], args.report_only)


if __name__ == "__main__":
    main()
