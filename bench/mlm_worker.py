"""A short masked-LM pretraining exactly as notebook 01 builds it, under a chosen ``tf.distribute`` strategy.

    python bench/mlm_worker.py --strategy default mirrored [--logical-cpus 2] [--steps 30] [--profile ci]
    TF_CONFIG=... python bench/mlm_worker.py --strategy multiworker     (one process per worker)

The corpus split, the encoder, the MLM head, the masker, the masked dataset and the optimizer are notebook 01's own
(``labkit.ch01``, which the notebook shows and calls), so what runs here is what the notebook runs. Each strategy
named trains a fresh model from the same seed on the same data with the same global batch and learning rate, then
prints one JSON line: the training loss, the loss on fixed validation masks, and the time.
``tests/test_distribute.py`` compares one device with ``MirroredStrategy`` over 2 logical CPUs; ``bench_multiworker.py``
starts two workers with ``TF_CONFIG``.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import labkit  # noqa: E402  - first: sets the Keras flags before TensorFlow loads


def make_strategy(kind: str):
    import tensorflow as tf

    class MultiWorker(tf.distribute.MultiWorkerMirroredStrategy):
        """Reads TF_CONFIG. Its ``reduce`` takes what Keras 3.15's ``fit`` gives it with several workers, where
        MultiWorkerMirroredStrategy's own fails (keras-team/keras#20329, #20585): a nest (the first batch, reduced
        to build the model) and scalars with ``axis=0`` (the metrics after each step)."""

        def reduce(self, reduce_op, value, axis):
            one = super().reduce
            rank = lambda v: self.experimental_local_results(v)[0].shape.rank
            return tf.nest.map_structure(lambda v: one(reduce_op, v, axis if rank(v) else None), value)

    if kind == "multiworker":
        return MultiWorker()
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy([d.name for d in tf.config.list_logical_devices("CPU")])
    return tf.distribute.get_strategy()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strategy", nargs="+", choices=["default", "mirrored", "multiworker"], default=["default"])
    p.add_argument("--logical-cpus", type=int, default=0, help="split the CPU into this many logical devices")
    p.add_argument("--profile", default="ci", help="sizes of the encoder and of the data (ci: tiny)")
    p.add_argument("--lines", type=int, default=None, help="corpus lines used (default: the profile's)")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--global-batch", type=int, default=None, help="default: the profile's mlm_batch_size")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dropout", type=float, default=None, help="the encoder's dropout (default: the notebook's)")
    args = p.parse_args()

    import tensorflow as tf

    if args.logical_cpus:  # before anything initialises TensorFlow's devices
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * args.logical_cpus)
    if "multiworker" in args.strategy and len(args.strategy) > 1:
        p.error("--strategy multiworker runs alone (it must be created before any other TensorFlow op)")
    strategies = [(kind, make_strategy(kind)) for kind in args.strategy]  # first: MultiWorkerMirroredStrategy needs it

    import keras
    import numpy as np
    import tree

    from labkit import ch01, data
    from labkit.blocks import distribute, text
    from labkit.course.lab import seed_everything

    # XLA off in every run: it cannot compile the collective ops of a strategy over CPU devices ("Collectives are
    # not yet implemented for CPU devices when compiling with XLA"), and the runs compared must train alike
    P = labkit.get_profile(args.profile, jit_compile=False)
    corpus = data.load_corpus(None, args.lines or P.corpus_max_lines)
    train_lines, valid_lines = ch01.split_corpus(corpus, args.seed)  # notebook 01's split
    vocab = text.build_vocabulary(train_lines, P.vocab_size, lowercase=P.lowercase)
    tokenizer = text.make_tokenizer(vocab, P.seq_len, lowercase=P.lowercase)
    global_batch = args.global_batch or P.mlm_batch_size
    seed_everything(args.seed)
    mask_len = ch01.mask_length(P.seq_len, P.mlm_mask_rate)
    masker = ch01.mlm_masker(len(vocab), P.mlm_mask_rate, mask_len)

    # The masked batches are drawn once, by the notebook's pipeline, and every run trains on them: tf.distribute
    # rebuilds the input pipeline it is given, which draws other random masks than the same pipeline on one device.
    def draw(lines, **shuffle):
        batches = ch01.mlm_dataset(text.token_windows(tokenizer, lines), masker, global_batch, **shuffle)
        return tree.map_structure(lambda *parts: np.concatenate(parts), *batches.as_numpy_iterator())

    train = draw(train_lines, shuffle=True, seed=args.seed)
    valid = draw(valid_lines)
    steps_per_pass = len(train[1]) // global_batch  # full batches only, so that every replica gets its share

    for kind, strategy in strategies:
        # the same global batch for every strategy, hence the same learning rate
        training = distribute.plan(P.mlm_batch_size, P.mlm_learning_rate, strategy, global_batch=global_batch)
        seed_everything(args.seed)  # the same initial weights
        with training.scope():
            sizes = (len(vocab), P.seq_len, P.hidden_dim, P.num_layers, P.num_heads, P.intermediate_dim)
            encoder = ch01.build_encoder(*sizes, **({} if args.dropout is None else {"dropout": args.dropout}))
            mlm = ch01.build_mlm_model(encoder, mask_len)
            ch01.compile_mlm(mlm, steps=args.steps, learning_rate=training.learning_rate, jit_compile=P.jit_compile)
        train_data = tf.data.Dataset.from_tensor_slices(train).batch(global_batch, drop_remainder=True).repeat()
        valid_data = tf.data.Dataset.from_tensor_slices(valid).batch(global_batch)
        losses, ends = [], []  # after each step: Keras' running mean of the training loss, the time
        record = keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda step, logs: (losses.append(float(logs["loss"])), ends.append(time.perf_counter())))
        started = time.perf_counter()
        mlm.fit(train_data, steps_per_epoch=args.steps, epochs=1, verbose=0, callbacks=[record])
        seconds = time.perf_counter() - started
        valid_loss = mlm.evaluate(valid_data, verbose=0)[0]
        print(json.dumps({
            "strategy": kind, "replicas": training.replicas, "steps": args.steps, "global_batch": training.batch_size,
            "learning_rate": training.learning_rate, "passes_over_the_data": round(args.steps / steps_per_pass, 2),
            "train_loss_by_step": losses, "valid_loss": float(valid_loss), "seconds": round(seconds, 2),
            "first_step_seconds": round(ends[0] - started, 2),  # tracing the step function and building the model
            "examples_per_second": round((args.steps - 1) * training.batch_size / (ends[-1] - ends[0]), 1),  # after it
        }), flush=True)


if __name__ == "__main__":
    main()
