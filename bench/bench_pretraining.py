"""MLM training throughput of the laptop-size encoder, with and without XLA (``jit_compile``).

    python bench/bench_pretraining.py [--profile laptop] [--runs 5] [--steps 30]

Counts real (non-padding) tokens per second of training, median of several timed runs after a
warm-up run (which pays for tracing and XLA compilation). The faster setting is the one the
profile's ``mlm_jit_compile`` should hold; the script says whether it does.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402  - sets the Keras flags before TensorFlow loads
from common import median, write_results  # noqa: E402

from labkit import encoder as E  # noqa: E402
from labkit.data import load_corpus  # noqa: E402
from labkit.text import build_vocabulary, make_tokenizer, token_windows  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--profile", default="laptop")
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--steps", type=int, default=30, help="train steps per timed run")
args = parser.parse_args()

P = labkit.get_profile(args.profile)
labkit.lab.seed_everything(0)
corpus = load_corpus(None, P.corpus_max_lines)
vocab = build_vocabulary(corpus, P.vocab_size, lowercase=P.lowercase)
windows = token_windows(make_tokenizer(vocab, P.seq_len, lowercase=P.lowercase), corpus)
batches = E.mlm_dataset(windows, E.make_masker(len(vocab), P), P.mlm_batch_size).take(args.steps).cache()
tokens_per_run = int((windows[: args.steps * P.mlm_batch_size] != 0).sum())

figures = {"profile": P.name, "batch_size": P.mlm_batch_size, "seq_len": P.seq_len,
           "hidden_dim": P.hidden_dim, "num_layers": P.num_layers, "steps_per_run": args.steps,
           "runs": args.runs}
for jit in (False, True):
    encoder = E.build_encoder(len(vocab), P.seq_len, P.hidden_dim, P.num_layers, P.num_heads, P.intermediate_dim)
    model = E.compile_mlm(E.build_mlm_model(encoder, E.mask_length(P)), P.mlm_learning_rate, jit)
    start = time.perf_counter()
    model.fit(batches, epochs=1, verbose=0)  # warm-up: tracing (and XLA compilation)
    warmup = time.perf_counter() - start
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        model.fit(batches, epochs=1, verbose=0)
        rates.append(tokens_per_run / (time.perf_counter() - start))
    key = "xla" if jit else "no_xla"
    figures[f"tokens_per_second_{key}"] = round(median(rates))
    figures[f"tokens_per_second_{key}_runs"] = [round(r) for r in rates]
    figures[f"warmup_seconds_{key}"] = round(warmup, 1)
    print(f"jit_compile={jit}: median {median(rates):.0f} tokens/s, warm-up {warmup:.1f} s")

faster = figures["tokens_per_second_xla"] > figures["tokens_per_second_no_xla"]
figures["faster"] = "jit_compile=True" if faster else "jit_compile=False"
figures["profile_default_matches"] = P.mlm_jit_compile == faster
write_results("pretraining", figures)
