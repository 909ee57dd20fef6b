"""Shared building blocks that several chapters use and none teaches on its own: the tokenizer, the kit's
encoder bundle, published checkpoints, distribution across devices, plots, baselines, TF-Agents helpers and
the LIME plumbing."""
