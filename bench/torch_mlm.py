"""The Hugging Face side of ``bench_speed_vs_transformers.py``: ``BertForMaskedLM`` trained on PyTorch (CPU).

That script runs this file with the Python of its own torch environment (torch is never a kit dependency):

    python torch_mlm.py BATCHES.npz --threads 2 --learning-rate 1e-3

``BATCHES.npz`` holds ``input_ids`` and ``labels`` (steps, batch, seq_len): one training step per batch, in
order. Prints one JSON object: the time after each step (seconds from the first step's start), the losses,
torch's default thread count and the versions.
"""
import argparse
import json
import time

import numpy as np
import torch
import transformers
from transformers import BertConfig, BertForMaskedLM

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("batches")
p.add_argument("--threads", type=int, required=True)
p.add_argument("--learning-rate", type=float, required=True)
p.add_argument("--hidden", type=int, default=128)
p.add_argument("--layers", type=int, default=2)
p.add_argument("--heads", type=int, default=4)
p.add_argument("--intermediate", type=int, default=512)
p.add_argument("--vocab", type=int, default=8000)
args = p.parse_args()

default_threads = torch.get_num_threads()
torch.set_num_threads(args.threads)
torch.set_num_interop_threads(args.threads)
torch.manual_seed(0)
data = np.load(args.batches)
input_ids = torch.from_numpy(data["input_ids"].astype(np.int64))
labels = torch.from_numpy(data["labels"].astype(np.int64))  # -100 where no prediction is asked
config = BertConfig(vocab_size=args.vocab, hidden_size=args.hidden, num_hidden_layers=args.layers,
                    num_attention_heads=args.heads, intermediate_size=args.intermediate,
                    max_position_embeddings=input_ids.shape[-1])  # gelu, dropout 0.1 (BERT's defaults)
model = BertForMaskedLM(config)
model.train()
optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
attention_mask = torch.ones_like(input_ids[0])  # the windows are full: no padding
times, losses = [], []
start = time.perf_counter()
for ids, target in zip(input_ids, labels):
    loss = model(input_ids=ids, attention_mask=attention_mask, labels=target).loss
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    times.append(time.perf_counter() - start)
    losses.append(loss.item())
print(json.dumps({"times": times, "losses": losses, "default_threads": default_threads,
                  "attention": model.config._attn_implementation,
                  "torch": torch.__version__, "transformers": transformers.__version__}))
