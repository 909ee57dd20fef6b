"""One table of sizes for every notebook: the ``ci``, ``laptop`` and ``gpu`` profiles.

A notebook never writes a size as a literal; it reads ``lab.profile.<field>``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Sizes for one kind of machine. Every field is documented where it is defined."""

    name: str
    description: str
    # --- data -------------------------------------------------------------
    corpus_max_lines: int | None  # lines of the pretraining corpus used (None: all)
    # training windows masked-LM pretraining reads at most, a seeded sample beyond (None: all): the time budget on any
    # corpus; laptop's is about what the bundled corpus gives (6,437 windows), so it binds only on a larger one
    pretrain_max_windows: int | None
    # --- tokenizer and encoder (stages 1-2) --------------------------------
    vocab_size: int
    seq_len: int
    hidden_dim: int
    num_layers: int
    num_heads: int
    intermediate_dim: int
    lowercase: bool  # the tokenizer folds case (False keeps capitals, a strong cue for names)
    # --- pretraining (stage 1) --------------------------------------------
    mlm_epochs: int
    mlm_batch_size: int
    mlm_learning_rate: float
    mlm_mask_rate: float  # fraction of tokens the model must restore
    jit_compile: bool  # XLA for the train steps of 01's MLM and 09's GPT: 1.15x the MLM's tokens/s at laptop size on 2 cores; slower at ci size (09 under ci: 147 s with, 133 s without)
    dapt_epochs: int  # more masked-LM epochs on the intent training messages (domain-adaptive pretraining)
    # --- fine-tuning (stage 2) --------------------------------------------
    cls_epochs: int
    ner_epochs: int
    finetune_batch_size: int
    finetune_learning_rate: float
    label_budgets: tuple[float, ...]  # fractions of the training labels
    finetune_max_examples: int | None  # training examples kept for fine-tuning (None: all)
    # --- reinforcement learning (stage 3) ---------------------------------
    tabular_episodes: int  # episodes of tabular Q-learning and of SARSA on CliffWalking
    dqn_train_steps: int
    pg_train_iterations: int
    instr_train_steps: int
    eval_episodes: int
    instr_grid_size: int  # the instruction world is instr_grid_size x instr_grid_size cells
    instr_num_objects: int  # objects per episode: the named one and its distractors
    instr_eval_episodes: int  # episodes per success rate of the instruction agent
    # --- explainability (stage 4) ------------------------------------------
    lime_samples: int
    ig_steps: int
    deletion_sentences: int
    # --- case study: financial sentiment (06) ----------------------------------
    fin_epochs: int  # most fine-tuning epochs of the sentiment classifier (early stopping may end it sooner)
    fin_explained_headlines: int  # headlines of one alert's day explained with LIME
    # --- case study: recommendation (07) ---------------------------------------
    rec_dim: int  # size of the user and item embeddings of the matrix factorisation
    rec_epochs: int  # training epochs of the matrix factorisation
    tower_epochs: int  # training epochs of the two-tower model (one epoch: every user's history once)
    tower_dims: tuple[int, ...]  # two-tower embedding sizes tried on the validation films (the best is kept)
    tower_batch_size: int  # users per two-tower training step
    text_epochs: int  # training epochs of the projection from text embeddings to item vectors (cold start)
    rec_batch_size: int
    bandit_steps: int  # recommendations the bandits learn from
    # --- case study: customer service (05) ----------------------------------
    service_epochs: int  # fine-tuning epochs of the intent classifier that may say "out of scope"
    router_steps: int  # requests the request-routing bandits learn from
    # --- case study: knowledge graph (08) -----------------------------------------
    kg_epochs: int  # most fine-tuning epochs of the entity tagger (the best validation epoch is kept)
    rel_epochs: int  # most fine-tuning epochs of the relation classifier (the best validation epoch is kept)
    transe_dim: int  # size of the TransE entity and relation vectors
    transe_epochs: int  # passes over the training triples, each with freshly corrupted ones
    # --- case study: generation and RL of the language model (09) -------------------
    # the GPT's heads, context and batch size are the encoder's (num_heads, seq_len, mlm_batch_size)
    gpt_layers: int  # decoder blocks of the small GPT
    gpt_hidden_dim: int  # its width (own, not the encoder's: at ci size a 32-wide GPT stays far above the trigram)
    gpt_intermediate_dim: int  # its feed-forward size
    gpt_dropout: float  # dropout in its blocks (0 where it underfits: more training loss than validation loss)
    gpt_epochs: int  # passes over the corpus' training windows (next-token prediction)
    gpt_learning_rate: float  # peak of the GPT's warm-up + cosine learning-rate schedule
    headline_epochs: int  # passes over the finance training sentences, continuing the GPT into a headline writer
    gen_max_tokens: int  # most tokens generated per text (prompt + these must fit in seq_len)
    gen_samples: int  # generations per decoding setting (the distinct-2 and log-likelihood table)
    rl_steps: int  # policy-gradient updates of the generator's own weights (each RL run)
    rl_batch: int  # generations per update
    rl_learning_rate: float  # Adam's step size for the RL updates
    kl_coef: float  # beta: the weight of the KL penalty to the starting model in the reward
    rl_eval_samples: int  # generations scored before and after RL
    # --- case study: instruction following on BabyAI (11) ---------------------------------------
    babyai_obj_demos: tuple[int, ...]  # GoToObj: bot demonstrations per point of the success-vs-demonstrations curve
    babyai_local_demos: tuple[int, ...]  # GoToLocal: the same curve; its last agent is fine-tuned by RL and ablated
    babyai_bc_epochs: int  # passes over the demonstrations (behaviour cloning)
    babyai_rl_iterations: int  # REINFORCE updates of the cloned GoToLocal agent
    babyai_rl_episodes: int  # episodes per REINFORCE update (one per environment of the batch)
    babyai_rl_learning_rate: float  # Adam's step size for the REINFORCE updates (small: it starts from a good policy)
    babyai_eval_episodes: int  # held-out level seeds per success rate


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="ci",
            description="seconds per notebook; tiny models; used by the tests",
            corpus_max_lines=1000, pretrain_max_windows=None,
            vocab_size=1000, seq_len=32,
            hidden_dim=32, num_layers=1, num_heads=2, intermediate_dim=64, lowercase=False,
            mlm_epochs=10, mlm_batch_size=32, mlm_learning_rate=6e-3, mlm_mask_rate=0.15,
            jit_compile=False, dapt_epochs=16,
            cls_epochs=3, ner_epochs=8, finetune_batch_size=32, finetune_learning_rate=3e-3,
            label_budgets=(0.25, 1.0), finetune_max_examples=1200,
            tabular_episodes=200, dqn_train_steps=1500, pg_train_iterations=40, instr_train_steps=3500, eval_episodes=10,
            instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=100,
            lime_samples=100, ig_steps=8, deletion_sentences=5,
            fin_epochs=8, fin_explained_headlines=2,
            rec_dim=16, rec_epochs=8, tower_epochs=20, tower_dims=(16,), tower_batch_size=32, text_epochs=60,
            rec_batch_size=256, bandit_steps=1500,
            service_epochs=6, router_steps=2000,
            kg_epochs=18, rel_epochs=10, transe_dim=32, transe_epochs=60,
            gpt_layers=2, gpt_hidden_dim=128, gpt_intermediate_dim=256, gpt_dropout=0.0,
            gpt_epochs=8, gpt_learning_rate=5e-3, headline_epochs=2, gen_max_tokens=24, gen_samples=16,
            rl_steps=30, rl_batch=16, rl_learning_rate=3e-4, kl_coef=0.1, rl_eval_samples=64,
            babyai_obj_demos=(30, 300), babyai_local_demos=(200, 600), babyai_bc_epochs=6, babyai_rl_iterations=3,
            babyai_rl_episodes=8, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=100,
        ),
        Profile(
            name="laptop",
            description="2-core CPU, minutes per notebook; real teaching results",
            corpus_max_lines=None, pretrain_max_windows=6500,
            vocab_size=6000, seq_len=64,
            hidden_dim=128, num_layers=2, num_heads=4, intermediate_dim=256, lowercase=False,
            mlm_epochs=12, mlm_batch_size=32, mlm_learning_rate=1e-3, mlm_mask_rate=0.15,
            jit_compile=True, dapt_epochs=10,
            cls_epochs=4, ner_epochs=5, finetune_batch_size=32, finetune_learning_rate=1e-3,
            label_budgets=(0.05, 0.25, 1.0), finetune_max_examples=None,
            tabular_episodes=500, dqn_train_steps=20_000, pg_train_iterations=200, instr_train_steps=10_000,
            eval_episodes=20, instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=300,
            lime_samples=1000, ig_steps=32, deletion_sentences=40,
            fin_epochs=20, fin_explained_headlines=3,
            rec_dim=32, rec_epochs=30, tower_epochs=40, tower_dims=(32, 64), tower_batch_size=64, text_epochs=200,
            rec_batch_size=256, bandit_steps=6000,
            service_epochs=10, router_steps=20_000,
            kg_epochs=15, rel_epochs=10, transe_dim=50, transe_epochs=200,
            gpt_layers=2, gpt_hidden_dim=128, gpt_intermediate_dim=256, gpt_dropout=0.1,
            gpt_epochs=6, gpt_learning_rate=2e-3, headline_epochs=4, gen_max_tokens=32, gen_samples=32,
            rl_steps=120, rl_batch=32, rl_learning_rate=3e-4, kl_coef=0.1, rl_eval_samples=200,
            babyai_obj_demos=(100, 300, 1000), babyai_local_demos=(300, 1000, 3000), babyai_bc_epochs=10,
            babyai_rl_iterations=40, babyai_rl_episodes=32, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=500,
        ),
        Profile(
            name="gpu",
            description="a Colab GPU; full sizes",
            corpus_max_lines=None, pretrain_max_windows=None,
            vocab_size=8000, seq_len=128,
            hidden_dim=256, num_layers=4, num_heads=4, intermediate_dim=1024, lowercase=True,
            mlm_epochs=20, mlm_batch_size=128, mlm_learning_rate=5e-4, mlm_mask_rate=0.15,
            jit_compile=True, dapt_epochs=10,
            cls_epochs=10, ner_epochs=6, finetune_batch_size=64, finetune_learning_rate=3e-4,
            label_budgets=(0.05, 0.1, 0.25, 0.5, 1.0), finetune_max_examples=None,
            tabular_episodes=500, dqn_train_steps=20_000, pg_train_iterations=400, instr_train_steps=20_000,
            eval_episodes=50, instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=500,
            lime_samples=2000, ig_steps=64, deletion_sentences=100,
            fin_epochs=20, fin_explained_headlines=4,
            rec_dim=32, rec_epochs=30, tower_epochs=40, tower_dims=(32, 64), tower_batch_size=64, text_epochs=200,
            rec_batch_size=256, bandit_steps=6000,
            service_epochs=10, router_steps=20_000,
            kg_epochs=20, rel_epochs=12, transe_dim=100, transe_epochs=300,
            gpt_layers=4, gpt_hidden_dim=256, gpt_intermediate_dim=1024, gpt_dropout=0.1,
            gpt_epochs=10, gpt_learning_rate=5e-4, headline_epochs=6, gen_max_tokens=40, gen_samples=64,
            rl_steps=300, rl_batch=64, rl_learning_rate=1e-4, kl_coef=0.1, rl_eval_samples=500,
            babyai_obj_demos=(100, 300, 1000), babyai_local_demos=(1000, 3000, 10_000), babyai_bc_epochs=15,
            babyai_rl_iterations=200, babyai_rl_episodes=64, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=1000,
        ),
    )
}


def gpu_available() -> bool:
    """True when TensorFlow sees at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def get_profile(name: str = "auto", **overrides) -> Profile:
    """Return the profile called ``name`` (``auto``: ``gpu`` with a GPU, else ``laptop``).

    ``overrides`` replace single fields, e.g. ``get_profile("laptop", mlm_epochs=2)``.
    """
    if not isinstance(name, str) or name not in (*PROFILES, "auto"):
        raise ValueError(f"PROFILE={name!r} is unknown; expected one of: auto, {', '.join(PROFILES)}")
    if name == "auto":
        name = "gpu" if gpu_available() else "laptop"
    fields = {f.name for f in dataclasses.fields(Profile)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(f"unknown profile field(s) {unknown}; known fields: {sorted(fields)}")
    return dataclasses.replace(PROFILES[name], **overrides)


def profile_table(fields: list[str] | None = None) -> str:
    """The profiles side by side as a Markdown table (all fields, or the ones named)."""
    names = fields or [f.name for f in dataclasses.fields(Profile) if f.name not in ("name", "description")]
    profiles = list(PROFILES.values())
    rows = ["| field | " + " | ".join(p.name for p in profiles) + " |", "|---" * (len(profiles) + 1) + "|"]
    rows += [f"| `{n}` | " + " | ".join(str(getattr(p, n)) for p in profiles) + " |" for n in names]
    return "\n".join(rows)
