"""NER on real CoNLL-2003: entity-level F1 and token-level micro F1 on its valid file.

    python bench/bench_ner_conll.py [REALDATA] [--mlm-epochs 3] [--ner-epochs 3]

REALDATA (or the LABKIT_REALDATA environment variable) is a folder holding ``conll2003/``
(``train.txt``, ``valid.txt``) and optionally ``wikitext2/valid.txt``. The valid file serves as the
test split (valid is then carved from train, as the data layer does). Recipe: the laptop-size
encoder with a cased tokenizer and ``seq_len`` 128, pretrained by masked LM on WikiText-2 plus the
CoNLL training text, then fully fine-tuned as a tagger (first sub-word of each word carries its tag).
Targets: entity F1 >= 85, token micro F1 >= 97.3, at most 20 CPU-minutes of training in all.
Says so and exits 0 when the data are absent.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402  - sets the Keras flags before TensorFlow loads
from common import write_results  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("realdata", nargs="?", default=os.environ.get("LABKIT_REALDATA", "/work/shared/realdata"))
parser.add_argument("--mlm-epochs", type=int, default=3)
parser.add_argument("--ner-epochs", type=int, default=3)
args = parser.parse_args()

conll = Path(args.realdata) / "conll2003"
if not (conll / "train.txt").is_file() or not (conll / "valid.txt").is_file():
    print(f"CoNLL-2003 not found under {conll} (give the folder as an argument or in LABKIT_REALDATA); nothing to do.")
    sys.exit(0)

import numpy as np  # noqa: E402
import seqeval.metrics  # noqa: E402
import sklearn.metrics  # noqa: E402

from labkit import encoder as E  # noqa: E402
from labkit import text  # noqa: E402
from labkit.data import load_ner  # noqa: E402
from labkit.lab import Lab, seed_everything  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    data_dir = Path(tmp) / "data"
    (data_dir / "ner").mkdir(parents=True)
    (data_dir / "corpus").mkdir()
    (data_dir / "ner" / "train.txt").symlink_to(conll / "train.txt")
    (data_dir / "ner" / "test.txt").symlink_to(conll / "valid.txt")  # as the issue asks
    ner = load_ner(data_dir, seed=42)
    corpus_lines = [" ".join(s.tokens) for s in ner["train"]]
    wiki = Path(args.realdata) / "wikitext2" / "valid.txt"
    if wiki.is_file():
        corpus_lines += [line.strip() for line in wiki.open(encoding="utf-8") if line.strip()]
    (data_dir / "corpus" / "corpus.txt").write_text("\n".join(corpus_lines) + "\n", encoding="utf-8")

    profile = labkit.get_profile("laptop", lowercase=False, seq_len=128, vocab_size=8000, mlm_batch_size=32)
    lab = Lab("bench_ner_conll", profile, 42, Path(tmp) / "run" / "bench", data_dir)
    lab.output_dir.mkdir(parents=True)
    seed_everything(42)

    start = time.process_time()
    bundle = E.pretrain_small_encoder(lab, epochs=args.mlm_epochs)
    pretrain_cpu = time.process_time() - start

    tag_names = ["O"] + sorted({t for s in ner["train"] for t in s.tags} - {"O"})
    tag_id = {t: i for i, t in enumerate(tag_names)}
    aligned = {split: text.align_tags(bundle.tokenizer, [s.tokens for s in ner[split]],
                                      [s.tags for s in ner[split]], tag_id) for split in ner}
    tagger = E.compile_finetune(E.build_tagger(bundle.encoder, len(tag_names)), profile.finetune_learning_rate,
                                weighted=True)
    start = time.process_time()
    tagger.fit(aligned["train"].token_ids, aligned["train"].tag_ids, sample_weight=aligned["train"].weights,
               validation_data=(aligned["valid"].token_ids, aligned["valid"].tag_ids, aligned["valid"].weights),
               batch_size=profile.finetune_batch_size, epochs=args.ner_epochs, verbose=2)
    finetune_cpu = time.process_time() - start

    test = ner["test"]
    probs = tagger.predict(aligned["test"].token_ids, verbose=0)
    predicted = text.word_tags(aligned["test"], probs.argmax(-1), tag_names, [len(s.tokens) for s in test])
    true = [s.tags for s in test]
    flat_true = [t for tags in true for t in tags]
    flat_pred = [t for tags in predicted for t in tags]

figures = {
    "recipe": f"laptop encoder, cased WordPiece {len(bundle.vocab)}, seq_len 128; MLM {args.mlm_epochs} epochs on "
              f"WikiText-2 + CoNLL train text; full fine-tuning {args.ner_epochs} epochs",
    "entity_f1": round(100 * seqeval.metrics.f1_score(true, predicted), 2),
    "token_micro_f1_all_tags": round(100 * sklearn.metrics.f1_score(flat_true, flat_pred, average="micro"), 2),
    "token_micro_f1_entity_tags": round(100 * sklearn.metrics.f1_score(
        flat_true, flat_pred, labels=[t for t in tag_names if t != "O"], average="micro"), 2),
    "pretrain_cpu_minutes": round(pretrain_cpu / 60, 1),
    "finetune_cpu_minutes": round(finetune_cpu / 60, 1),
    "targets": {"entity_f1": 85, "token_micro_f1": 97.3, "cpu_minutes": 20},
}
figures["targets_met"] = bool(figures["entity_f1"] >= 85 and figures["token_micro_f1_all_tags"] >= 97.3
                              and figures["pretrain_cpu_minutes"] + figures["finetune_cpu_minutes"] <= 20)
write_results("ner_conll", figures)
