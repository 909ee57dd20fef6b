"""Chapter 08 (sentences to triples, a graph, link prediction); the models live in the notebook.

- :func:`entities_from_tags`: IOB2 tags back to entity spans;
- :func:`pair_inputs`: every ordered pair of entities of a sentence as model inputs (token ids and sub-word masks
  of the head span, the tail span and the words between them);
- :func:`strict_scores` and :func:`per_relation_table`: strict relation F1 (both spans and types and the relation
  type right), as SpERT and most papers on CoNLL04 report it;
- :func:`normalise`: the name under which mentions of one entity are merged in the graph;
- :func:`filtered_ranks` and :func:`rank_metrics`: filtered MRR and Hits@k of link prediction.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`) and its exercise checks.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from labkit.blocks.text import word_pieces
from labkit.course.exercises import beats, check, close_to
from labkit.data import Entity

# the bundled data folders notebook 08 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("kg",)
# the headline figures of notebook 08, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "kg_entity_f1", "kg_relation_f1", "kg_qa_exact_match", "kg_linkpred_mrr", "kg_linkpred_hits_at_10",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 08's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    kg_epochs: int  # most fine-tuning epochs of the entity tagger (the best validation epoch is kept)
    rel_epochs: int  # most fine-tuning epochs of the relation classifier (the best validation epoch is kept)
    transe_dim: int  # size of the TransE entity and relation vectors
    transe_epochs: int  # passes over the training triples, each with freshly corrupted ones


SIZES = {
    "ci": Sizes(kg_epochs=18, rel_epochs=10, transe_dim=32, transe_epochs=60),
    "laptop": Sizes(kg_epochs=15, rel_epochs=10, transe_dim=50, transe_epochs=200),
    "gpu": Sizes(kg_epochs=20, rel_epochs=12, transe_dim=100, transe_epochs=300),
}

NO_RELATION = "no relation"


def entities_from_tags(tags: Sequence[str]) -> list[Entity]:
    """The entities of one sentence's IOB2 tags: each ``B-X`` followed by its ``I-X`` words (a stray ``I-X``
    opens an entity too, as seqeval reads it)."""
    out: list[Entity] = []
    for j, tag in enumerate(list(tags) + ["O"]):
        if out and out[-1].end == j and tag == "I-" + out[-1].type:
            out[-1].end = j + 1
        elif tag != "O":
            out.append(Entity(tag[2:], j, j + 1))
    return out


@dataclass
class PairInputs:
    """The candidate pairs of some sentences, ready for a relation classifier.

    ``token_ids`` ``(n, seq_len)`` int32: each pair's sentence (repeated for each of its pairs); ``head_mask``,
    ``tail_mask``, ``between_mask`` ``(n, seq_len)`` float32: 1 on the sub-words of the head span, of the tail span,
    of the words between the two spans; ``head_type``, ``tail_type`` ``(n,)`` int32: the entity types' ids;
    ``pairs``: ``(sentence, head entity, tail entity)`` per row; ``skipped``: pairs left out because an entity
    lies beyond ``seq_len`` sub-words (they count as "no relation" predicted).
    """

    token_ids: np.ndarray
    head_mask: np.ndarray
    tail_mask: np.ndarray
    between_mask: np.ndarray
    head_type: np.ndarray
    tail_type: np.ndarray
    pairs: list[tuple[int, int, int]]
    skipped: int

    def inputs(self) -> dict[str, np.ndarray]:
        """The arrays by the names of the relation classifier's inputs."""
        return {"token_ids": self.token_ids, "head_mask": self.head_mask, "tail_mask": self.tail_mask,
                "between_mask": self.between_mask, "head_type": self.head_type, "tail_type": self.tail_type}


def pair_inputs(tokenizer, sentences: Sequence[Sequence[str]], entities: Sequence[Sequence[Entity]],
                type_index: dict[str, int]) -> PairInputs:
    """Every ordered pair ``(a, b)``, ``a != b``, of each sentence's ``entities`` as :class:`PairInputs`.

    Words are cut into WordPiece sub-words as :func:`labkit.blocks.text.align_tags` does (no [CLS], padding 0); with
    a checkpoint's tokenizer (``labkit.blocks.text.WordPieces``) as its ``align`` does: a preset's
    [CLS] first and [SEP] after the last sub-word that fits. An entity type missing from ``type_index`` raises a
    ValueError.
    """
    seq_len = tokenizer.sequence_length
    room = getattr(tokenizer, "room", seq_len)  # sub-words of text that fit
    start_id, end_id = getattr(tokenizer, "start_id", None), getattr(tokenizer, "end_id", None)
    first = int(start_id is not None)
    wordpiece = getattr(tokenizer, "wordpiece", tokenizer)  # a checkpoint's tokenizer wraps a keras_hub one
    unknown = [int(wordpiece.token_to_id(wordpiece.oov_token))]  # [UNK], for a word the tokenizer drops
    pieces = iter(word_pieces(tokenizer, [w for words in sentences for w in words]))
    rows = {k: [] for k in ("token_ids", "head_mask", "tail_mask", "between_mask", "head_type", "tail_type")}
    pairs, skipped = [], 0
    for i, (words, ents) in enumerate(zip(sentences, entities)):
        ids, starts = [], []
        for _ in words:
            starts.append(len(ids))
            ids += next(pieces) or unknown
        starts.append(len(ids))
        ids = [start_id] * first + ids[:room] + ([end_id] if end_id is not None else [])
        ids = (ids + [0] * seq_len)[:seq_len]

        def mask(first_word, stop_word):
            m = np.zeros(seq_len, "float32")
            m[first + min(starts[first_word], room): first + min(starts[stop_word], room)] = 1.0
            return m
        for e in ents:
            if e.type not in type_index:
                raise ValueError(f"entity type {e.type!r} (sentence {i}) is not one of {sorted(type_index)}")
        for a, head in enumerate(ents):
            for b, tail in enumerate(ents):
                if a == b:
                    continue
                if max(starts[head.end], starts[tail.end]) > room:
                    skipped += 1
                    continue
                left, right = (head, tail) if head.start < tail.start else (tail, head)
                rows["token_ids"].append(ids)
                rows["head_mask"].append(mask(head.start, head.end))
                rows["tail_mask"].append(mask(tail.start, tail.end))
                rows["between_mask"].append(mask(left.end, max(left.end, right.start)))
                rows["head_type"].append(type_index[head.type])
                rows["tail_type"].append(type_index[tail.type])
                pairs.append((i, a, b))
    arrays = {k: np.array(v, "int32" if k in ("token_ids", "head_type", "tail_type") else "float32")
              for k, v in rows.items()}
    if not pairs:
        arrays = {k: np.zeros((0, seq_len) if k.endswith(("ids", "mask")) else (0,),
                              "int32" if k in ("token_ids", "head_type", "tail_type") else "float32") for k in rows}
    return PairInputs(**arrays, pairs=pairs, skipped=skipped)


Triple = tuple[tuple[int, int, str], str, tuple[int, int, str]]  # (head start, end, type), relation, (tail ...)


def triples_of(entities: Sequence[Entity], relations: Sequence[tuple[int, int, str]]) -> set[Triple]:
    """``(head index, tail index, relation)`` of one sentence as strict triples (spans and types)."""
    return {(entities[a].key, rel, entities[b].key) for a, b, rel in relations if rel != NO_RELATION}


def strict_scores(gold: Sequence[set], predicted: Sequence[set], relation: str | None = None) -> dict[str, float]:
    """Micro precision, recall and F1 over sentences of strict triples (of one ``relation``, or all);
    ``support`` is the number of gold triples."""
    pick = (lambda s: s) if relation is None else (lambda s: {t for t in s if t[1] == relation})  # noqa: E731
    tp = sum(len(pick(g) & pick(p)) for g, p in zip(gold, predicted))
    n_pred, n_gold = sum(len(pick(p)) for p in predicted), sum(len(pick(g)) for g in gold)
    precision, recall = tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": n_gold}


def per_relation_table(gold: Sequence[set], systems: dict[str, Sequence[set]]) -> str:
    """A Markdown table of strict F1 per relation type (and micro over all), one column per system."""
    relations = sorted({t[1] for g in gold for t in g})
    rows = [f"| relation | gold | {' | '.join(systems)} |", "|---" * (len(systems) + 2) + "|"]
    for rel in [*relations, None]:
        cells = [f"{strict_scores(gold, p, rel)['f1']:.3f}" for p in systems.values()]
        name = rel or "**all (micro)**"
        rows.append(f"| {name} | {strict_scores(gold, gold, rel)['support']} | {' | '.join(cells)} |")
    return "\n".join(rows)


_PUNCT = re.compile(r"^\W+$")


def normalise(name: str) -> str:
    """The key under which mentions are merged: lower case, punctuation tokens and a leading "the" dropped."""
    words = [w for w in name.lower().split() if not _PUNCT.match(w)]
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def filtered_ranks(distance: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
                   test: np.ndarray, known: set[tuple[int, int, int]], candidates: dict[tuple[int, str], np.ndarray]
                   ) -> np.ndarray:
    """Filtered ranks (1 = best) of link prediction, for the tail and for the head of each test triple.

    ``distance(h, r, t)``: lower is better, vectorised over arrays of ids; ``test``: ``(n, 3)`` ``(h, r, t)`` ids;
    ``known``: every true triple (train, valid and test), removed from the candidates except the one asked for
    (the *filtered* setting of Bordes et al., 2013); ``candidates[(r, "tail")]`` / ``[(r, "head")]``: the
    entity ids that may fill that position (the entities of the right type). A tie counts against the answer.
    A true entity that is not among its candidates (a held-out split can pair a relation with a type training
    never showed there) is a **miss**: the system would never propose it, so its rank is infinite (reciprocal
    rank 0, never in the top k), for every scorer alike.
    Returns ``2 n`` ranks (floats, ``inf`` for a miss): the tails' then the heads'.
    """
    ranks = []
    for side in ("tail", "head"):
        for h, r, t in test:
            cands = candidates.get((int(r), side), np.empty(0, "int64"))
            truth = t if side == "tail" else h
            position = {int(c): k for k, c in enumerate(cands)}
            if int(truth) not in position:
                ranks.append(np.inf)
                continue
            if side == "tail":
                d = distance(np.full(len(cands), h), np.full(len(cands), r), cands)
                others = [c for c in cands if c != t and (int(h), int(r), int(c)) in known]
            else:
                d = distance(cands, np.full(len(cands), r), np.full(len(cands), t))
                others = [c for c in cands if c != h and (int(c), int(r), int(t)) in known]
            d = np.asarray(d, "float64")
            keep = np.ones(len(cands), bool)
            keep[[position[int(c)] for c in others]] = False
            d_true = d[position[int(truth)]]
            keep[position[int(truth)]] = False
            ranks.append(1 + int(np.sum(d[keep] <= d_true)))
    return np.array(ranks, "float64")


def rank_metrics(ranks: np.ndarray, k: int = 10) -> tuple[float, float]:
    """``(MRR, Hits@k)``: the mean of 1/rank, and the share of ranks at most ``k``."""
    ranks = np.asarray(ranks, "float64")
    return float(np.mean(1.0 / ranks)), float(np.mean(ranks <= k))


def most_common(counter: Counter, default=NO_RELATION):
    """The most frequent key of ``counter`` (ties: the first seen), or ``default`` when it is empty."""
    return counter.most_common(1)[0][0] if counter else default


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_candidate_pair_count(lab, answer, sentences) -> str:
    expected = sum(len(s.entities) * (len(s.entities) - 1) for s in sentences)
    return check(lab, "08.1 candidate pairs", answer, lambda a: a == expected,
                 "a sentence with n entities has n (n - 1) ordered pairs (head != tail); sum over the sentences")


def check_strict_precision(lab, answer, gold, predicted) -> str:
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    n_pred = sum(len(p) for p in predicted)
    expected = tp / n_pred if n_pred else 0.0
    return check(lab, "08.2 strict precision", answer, close_to(expected, 1e-6),
                 "count the predicted triples that are also gold triples of the same sentence (set intersection), "
                 "and divide by the number of predicted triples")


def check_transe_distance(lab, answer, entity_vectors, relation_vectors, h, r, t) -> str:
    import numpy as np

    expected = float(np.linalg.norm(entity_vectors[h] + relation_vectors[r] - entity_vectors[t]))
    return check(lab, "08.3 TransE distance", answer, close_to(expected, 1e-4),
                 "the Euclidean norm of E[h] + R[r] - E[t], with the unit-length entity vectors")


def check_hits_at_k(lab, answer, ranks, k) -> str:
    import numpy as np

    expected = float(np.mean(np.asarray(ranks) <= k))
    return check(lab, "08.4 Hits@3", answer, close_to(expected, 1e-6),
                 f"the share of ranks that are at most {k} (rank 1 is the best)")


def type_pair_prior(train_sentences) -> Callable:
    """The baseline of exercise 08.5: every ordered pair of entities gets the relation (or *no relation*) most
    frequent in ``train_sentences`` for its head type, tail type and order; returns ``rule(tokens, entities)``."""
    from collections import defaultdict

    counts = defaultdict(Counter)
    for s in train_sentences:
        gold = {(r.head, r.tail): r.type for r in s.relations}
        for a, head in enumerate(s.entities):
            for b, tail in enumerate(s.entities):
                if a != b:
                    counts[(head.type, tail.type, head.start < tail.start)][gold.get((a, b), NO_RELATION)] += 1

    def rule(tokens, entities):
        out = []
        for a, head in enumerate(entities):
            for b, tail in enumerate(entities):
                relation = most_common(counts.get((head.type, tail.type, head.start < tail.start), Counter())) \
                    if a != b else NO_RELATION
                if relation != NO_RELATION:
                    out.append((a, b, relation))
        return out
    return rule


def check_relation_rule(lab, answer, train_sentences, valid_sentences, margin: float = 0.03) -> str:
    """Exercise 08.5: ``answer(tokens, entities) -> [(head index, tail index, relation), ...]`` over the gold entities
    of the validation sentences must reach a strict relation F1 at least ``margin`` above :func:`type_pair_prior`'s."""
    gold = [set(s.triples()) for s in valid_sentences]

    def f1(rule):
        predicted = []
        for s in valid_sentences:
            found = [(int(a), int(b), str(r)) for a, b, r in rule(list(s.tokens), list(s.entities))]
            predicted.append(triples_of(s.entities, [t for t in found if t[2] != NO_RELATION]))
        return strict_scores(gold, predicted)["f1"]

    baseline = f1(type_pair_prior(train_sentences))
    right = beats(f1, baseline, margin, f"rule's strict relation F1 on the {len(valid_sentences)} validation sentences "
                  "(gold entities)", "the type-pair prior")
    return check(lab, "08.5 a relation rule", answer, right,
                 f"the type-pair prior's strict F1 on the validation sentences is {baseline:.3f}; yours must reach "
                 f"{baseline + margin:.3f}. The prior links every pair of the right types: link a pair only when no "
                 "other entity stands between the two and the words between them hold a cue of the relation "
                 "('works', 'lives', 'based', ...); return (head index, tail index, relation) triples")
