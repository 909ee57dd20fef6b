"""The Hugging Face side of ``bench_checkpoints.py``: ``BertForSequenceClassification`` fine-tuned on PyTorch (CPU).

That script runs this file with the Python of the torch environment (``bench/.torch-venv``; torch is never a kit
dependency):

    python torch_classifier.py BATCHES.npz --threads 2 --hidden 128 --layers 2 --heads 2 --intermediate 512 \
        --vocab 30522 --classes 77

``BATCHES.npz`` holds ``input_ids`` (steps, batch, seq_len; 0 = padding) and ``labels`` (steps, batch): one
training step per batch, in order. Random weights of the given shape (speed does not depend on the values).
Prints one JSON object: the time after each step (seconds from the first step's start), the losses, the versions.
"""
import argparse
import json
import time

import numpy as np
import torch
import transformers
from transformers import BertConfig, BertForSequenceClassification

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("batches")
p.add_argument("--threads", type=int, required=True)
p.add_argument("--learning-rate", type=float, default=1e-3)
for name in ("hidden", "layers", "heads", "intermediate", "vocab", "classes"):
    p.add_argument(f"--{name}", type=int, required=True)
args = p.parse_args()

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(args.threads)
torch.manual_seed(0)
data = np.load(args.batches)
input_ids = torch.from_numpy(data["input_ids"].astype(np.int64))
labels = torch.from_numpy(data["labels"].astype(np.int64))
config = BertConfig(vocab_size=args.vocab, hidden_size=args.hidden, num_hidden_layers=args.layers,
                    num_attention_heads=args.heads, intermediate_size=args.intermediate,
                    max_position_embeddings=512, num_labels=args.classes)  # gelu, dropout 0.1 (BERT's defaults)
model = BertForSequenceClassification(config)
model.train()
optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
times, losses = [], []
start = time.perf_counter()
for ids, target in zip(input_ids, labels):
    loss = model(input_ids=ids, attention_mask=(ids != 0).long(), labels=target).loss
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    times.append(time.perf_counter() - start)
    losses.append(loss.item())
print(json.dumps({"times": times, "losses": losses, "attention": model.config._attn_implementation,
                  "torch": torch.__version__, "transformers": transformers.__version__}))
