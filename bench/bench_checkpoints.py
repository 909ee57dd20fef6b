"""What fine-tuning a published checkpoint costs on this machine's CPU (issue 32): one Banking77 epoch for the shapes
of keras_hub's BERT presets, against the kit's own encoder and against Hugging Face transformers, in one run.

    python bench/bench_checkpoints.py [--profile laptop] [--threads 2] [--no-torch] [--report-only]

Shapes: bert_tiny/small/medium/base_en_uncased, each built with RANDOM weights from its published architecture
(speed does not depend on the weight values), typed in below with their source and checked against the ``params``
count of keras_hub's own registry; the kit's encoder at the profile's sizes (``labkit/course/profiles.py``), built by
notebook 01's own ``labkit.ch01.build_encoder``. Every model is wrapped the way a lesson gets it: the presets through
``labkit.blocks.checkpoints``' adapter (token ids -> hidden states, [CLS]/[SEP] in the ids), then
``labkit.ch02.build_classifier`` (mean pooling, 77-way softmax), AdamW, the profile's fine-tuning batch size, at
sequence length 64 (Banking77's messages fit), with the same random batches for every model (message lengths
drawn from 8 to 40 tokens, then padding).

transformers: ``BertForSequenceClassification`` of the same shape on PyTorch (CPU), the same batches, run by
``torch_classifier.py`` in ``bench/.torch-venv`` (made on first use, as ``bench_speed_vs_transformers.py`` makes
it; ``--no-torch`` skips it). Its head reads [CLS] through the pooler where the kit pools the mean: a dense layer
against a mean, negligible beside the encoder.

Each model trains a few warm-up steps (graph tracing, first allocations; not timed), then a fixed number of timed
steps; the step time is their median. An epoch of Banking77's 10,003 training messages is ceil(10,003 / batch)
steps; the laptop profile's fine-tuning in notebook 02 runs ``cls_epochs`` of them, and a preset "fits the laptop"
when that takes at most 10 minutes here. The machine is shared: the load before each model is recorded, and the
ratios (to the kit's encoder, and keras over torch) are the figures to read.

Target (issue 32): the kit's path is not slower than transformers' on the same shape (keras step time <= torch's).
"""
import json
import math
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
from common import Target, finish, median, parser  # noqa: E402

from labkit import ch01, ch02  # noqa: E402
from labkit.blocks import checkpoints  # noqa: E402
from labkit.course.profiles import get_profile  # noqa: E402

HERE = Path(__file__).resolve().parent
SEQ_LEN, CLASSES, BANKING77_TRAIN, LAPTOP_MINUTES = 64, 77, 10_003, 10.0
# layers, hidden, heads, feed-forward, vocabulary: the BERT miniatures table of google-research/bert's README
# (L/H, heads = H/64, feed-forward = 4H; https://github.com/google-research/bert, arXiv:1908.08962) and BERT-Base
# (arXiv:1810.04805, section 3); WordPiece vocabulary of 30,522 (uncased), 512 positions, 2 segments
ARCHITECTURES = {
    "bert_tiny_en_uncased": (2, 128, 2, 512, 30522),
    "bert_small_en_uncased": (4, 512, 8, 2048, 30522),
    "bert_medium_en_uncased": (8, 512, 8, 2048, 30522),
    "bert_base_en_uncased": (12, 768, 12, 3072, 30522),
}
STEPS = {"tiny": (2, 8), "large": (1, 3)}  # (warm-up, timed) steps: fewer for the big shapes on a shared 2 cores


def preset_backbone(name: str):
    """A BertBackbone of ``name``'s published shape with random weights; its size checked against the registry."""
    layers, hidden, num_heads, ff, vocab = ARCHITECTURES[name]
    backbone = keras_hub.models.BertBackbone(vocabulary_size=vocab, num_layers=layers, num_heads=num_heads,
                                             hidden_dim=hidden, intermediate_dim=ff, max_sequence_length=512)
    published = checkpoints.registry(name)["params"]
    if backbone.count_params() != published:
        sys.exit(f"{name}: the typed-in shape gives {backbone.count_params():,} parameters, keras_hub's registry "
                 f"says {published:,}: fix ARCHITECTURES")
    return backbone


def kit_encoder(profile):
    return ch01.build_encoder(profile.vocab_size, SEQ_LEN, profile.hidden_dim, profile.num_layers,
                              profile.num_heads, profile.intermediate_dim)


def batches(steps: int, batch: int, vocab: int, cls_ids: tuple[int, int] | None, seed: int = 0):
    """Random messages of 8-40 tokens, padded to SEQ_LEN (with [CLS]/[SEP] when ``cls_ids``), and labels."""
    rng = np.random.default_rng(seed)
    ids = np.zeros((steps * batch, SEQ_LEN), "int32")
    for row, n in enumerate(rng.integers(8, 41, steps * batch)):
        ids[row, :n] = rng.integers(5, vocab, n)
        if cls_ids:
            ids[row, 0], ids[row, n - 1] = cls_ids
    return ids.reshape(steps, batch, SEQ_LEN), rng.integers(0, CLASSES, (steps, batch)).astype("int32")


def keras_steps(encoder, x, y, learning_rate: float) -> list[float]:
    """Seconds of each training step (train_on_batch) of the lesson's classifier on ``encoder``."""
    model = ch02.build_classifier(encoder, CLASSES)
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seconds = []
    for xb, yb in zip(x, y):
        start = time.perf_counter()
        model.train_on_batch(xb, yb)
        seconds.append(time.perf_counter() - start)
    return seconds


def torch_steps(python: Path, x, y, shape, threads: int, learning_rate: float) -> tuple[list[float], dict]:
    layers, hidden, num_heads, ff, vocab = shape
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "batches.npz"
        np.savez(npz, input_ids=x, labels=y)
        run = subprocess.run([str(python), str(HERE / "torch_classifier.py"), str(npz), "--threads", str(threads),
                              "--learning-rate", str(learning_rate), "--hidden", str(hidden), "--layers", str(layers),
                              "--heads", str(num_heads), "--intermediate", str(ff), "--vocab", str(vocab),
                              "--classes", str(CLASSES)],
                             capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": str(threads)})
    if run.returncode:
        sys.exit(f"torch_classifier.py failed:\n{run.stderr[-3000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    times = result["times"]
    return [b - a for a, b in zip([0.0, *times], times)], result


def main():
    p = parser(__doc__)
    p.add_argument("--threads", type=int, default=2, help="threads for each library (default 2)")
    p.add_argument("--no-torch", action="store_true", help="skip transformers (no torch environment)")
    args = p.parse_args()
    profile = get_profile(args.profile)
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    python = None
    if not args.no_torch:
        from bench_speed_vs_transformers import torch_python

        python = torch_python()
    batch, lr = profile.finetune_batch_size, profile.finetune_learning_rate
    epoch_steps = math.ceil(BANKING77_TRAIN / batch)
    rows, loads, versions = {}, {}, {}
    for name in ["kit", *ARCHITECTURES]:
        warmup, timed = STEPS["tiny" if name in ("kit", "bert_tiny_en_uncased") else "large"]
        loads[name] = round(os.getloadavg()[0], 2)
        if name == "kit":
            encoder, shape = kit_encoder(profile), None
            x, y = batches(warmup + timed, batch, profile.vocab_size, None)
            params = encoder.count_params()
        else:
            backbone = preset_backbone(name)
            shape, params = ARCHITECTURES[name], backbone.count_params()
            encoder = checkpoints._bert_face(backbone, SEQ_LEN)
            x, y = batches(warmup + timed, batch, shape[-1], (101, 102))  # BERT's [CLS] and [SEP]
        step = median(keras_steps(encoder, x, y, lr)[warmup:])
        row = {"params": int(params), "keras_step_seconds": round(step, 4),
               "epoch_minutes": round(step * epoch_steps / 60, 2),
               "laptop_finetune_minutes": round(step * epoch_steps * profile.cls_epochs / 60, 2)}
        if python is not None and shape is not None:
            seconds, info = torch_steps(python, x, y, shape, args.threads, lr)
            versions = {"torch": info["torch"], "transformers": info["transformers"], "attention": info["attention"]}
            row["torch_step_seconds"] = round(median(seconds[warmup:]), 4)
            row["keras_over_torch_speed"] = round(row["torch_step_seconds"] / step, 2)
        rows[name] = row
        print(f"{name:24s} {params / 1e6:7.1f}M  keras {step:6.3f} s/step"
              + (f"  torch {row['torch_step_seconds']:6.3f} s/step" if "torch_step_seconds" in row else "")
              + f"  epoch {row['epoch_minutes']:7.1f} min", flush=True)
        del encoder
        keras.backend.clear_session()
    kit_step = rows["kit"]["keras_step_seconds"]
    for row in rows.values():
        row["step_time_over_kit"] = round(row["keras_step_seconds"] / kit_step, 1)
        row["fits_laptop"] = row["laptop_finetune_minutes"] <= LAPTOP_MINUTES
    print(f"\nfine-tuning on {args.threads} CPU threads, batch {batch}, {SEQ_LEN} tokens; an epoch = {epoch_steps} "
          f"steps (Banking77, {BANKING77_TRAIN:,} messages); laptop = {profile.cls_epochs} epochs <= "
          f"{LAPTOP_MINUTES:.0f} min")
    print(f"{'model':24s} {'params':>8s} {'s/step':>7s} {'x kit':>6s} {'epoch min':>10s} {'laptop min':>11s} "
          f"{'torch/keras':>11s}  where")
    for name, r in rows.items():
        print(f"{name:24s} {r['params'] / 1e6:7.1f}M {r['keras_step_seconds']:7.3f} {r['step_time_over_kit']:6.1f} "
              f"{r['epoch_minutes']:10.1f} {r['laptop_finetune_minutes']:11.1f} "
              f"{r.get('keras_over_torch_speed', float('nan')):11.2f}  {'laptop' if r['fits_laptop'] else 'GPU'}")
    figures = {
        "command": "python bench/bench_checkpoints.py " + " ".join(sys.argv[1:]),
        "configuration": {"seq_len": SEQ_LEN, "batch": batch, "classes": CLASSES, "learning_rate": lr,
                          "epoch_steps": epoch_steps, "laptop_epochs": profile.cls_epochs,
                          "laptop_minutes": LAPTOP_MINUTES, "steps": STEPS, "threads": args.threads,
                          "architectures": {k: dict(zip(("layers", "hidden", "heads", "intermediate", "vocab"), v))
                                            for k, v in ARCHITECTURES.items()},
                          "kit": {f: getattr(profile, f) for f in ("vocab_size", "hidden_dim", "num_layers",
                                                                   "num_heads", "intermediate_dim")}},
        "versions": {"keras": keras.__version__, "keras_hub": keras_hub.__version__, "tensorflow": tf.__version__,
                     **versions},
        "load_before_each_model": loads,
        "models": rows,
    }
    targets = [Target(f"{name}_keras_over_torch_speed", r["keras_over_torch_speed"], 1.0)
               for name, r in rows.items() if "keras_over_torch_speed" in r]
    finish(f"checkpoints_{args.profile}", args.profile, figures, targets, args.report_only)


if __name__ == "__main__":
    main()
