"""Relation extraction (``kg/``, notebook 08): sentences with entities and relations in SpERT's JSON format
(CoNLL04, SciERC and ADE are distributed in it), read into sentences (:class:`RelationSentence`) with their
entities (:class:`Entity`) and relations (:class:`Relation`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.data.common import DataFormatError, carve_sentences, dataset_folder, load_splits, read_json
from labkit.data.ner import TaggedSentence


@dataclass
class Entity:
    """An entity mention: its type and its word span ``tokens[start:end]`` (``end`` exclusive)."""

    type: str
    start: int
    end: int

    @property
    def key(self) -> tuple[int, int, str]:
        """``(start, end, type)``: what strict relation F1 compares of an entity (its span and its type)."""
        return self.start, self.end, self.type


@dataclass
class Relation:
    """A relation of one sentence: ``type`` from entity ``head`` to entity ``tail`` (indices into ``entities``)."""

    type: str
    head: int
    tail: int


@dataclass
class RelationSentence:
    """One sentence of a relation-extraction set: words, entity mentions and the relations between them.

    ``doc`` is always None (SpERT's format marks no documents); it is there so that
    :func:`~labkit.data.common.carve_sentences` treats each sentence as its own unit, as for a CoNLL file without ``-DOCSTART-`` lines.
    """

    tokens: list[str]
    entities: list[Entity]
    relations: list[Relation]
    doc: int | None = None

    def span(self, k: int) -> str:
        """The words of entity ``k``, joined by spaces."""
        return " ".join(self.tokens[self.entities[k].start:self.entities[k].end])

    def iob2(self) -> list[str]:
        """The entities as IOB2 tags, one per word (``B-Peop``, ``I-Peop``, ``O``, ...). An entity that overlaps
        one already tagged (nested or crossing spans, which IOB2 cannot express) is left out."""
        tags = ["O"] * len(self.tokens)
        for e in sorted(self.entities, key=lambda e: (e.start, -e.end)):
            if all(t == "O" for t in tags[e.start:e.end]):
                tags[e.start:e.end] = ["B-" + e.type] + ["I-" + e.type] * (e.end - e.start - 1)
        return tags

    def tagged(self) -> TaggedSentence:
        """The sentence as a :class:`TaggedSentence` (IOB2 tags), what the NER recipe of notebook 02 reads."""
        return TaggedSentence(self.tokens, self.iob2(), self.doc)

    def triples(self) -> list[tuple[tuple[int, int, str], str, tuple[int, int, str]]]:
        """Relations as ``((head start, end, type), relation, (tail start, end, type))``: what strict relation F1
        compares (both spans, both entity types and the relation type)."""
        return [(self.entities[r.head].key, r.type, self.entities[r.tail].key) for r in self.relations]


def read_spert(path: str | Path) -> list[RelationSentence]:
    """Read a relation-extraction file in SpERT's JSON format (CoNLL04, SciERC and ADE are distributed in it):
    a list of ``{"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [{"type", "head", "tail"}]}``,
    ``end`` exclusive, ``head`` and ``tail`` indices into the sentence's ``entities``. Other keys are ignored.

    A record with a missing key, a span outside its sentence or a relation pointing at a missing entity raises a
    :class:`DataFormatError` naming the file and the record's index (0-based).
    """
    path = Path(path)
    content = read_json(path)
    if not isinstance(content, list):
        raise DataFormatError(f"{path}: expected a JSON list of sentences (SpERT's format), got a {type(content).__name__}")
    sentences = []
    for i, record in enumerate(content):
        where = f"{path}, record {i}"
        if not isinstance(record, dict):
            raise DataFormatError(f"{where}: expected an object with tokens, entities and relations, got {record!r:.60}")
        missing = [k for k in ("tokens", "entities", "relations") if k not in record]
        if missing:
            raise DataFormatError(f"{where}: key(s) {missing} missing (each sentence needs tokens, entities, relations)")
        tokens = record["tokens"]
        if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) and t for t in tokens):
            raise DataFormatError(f"{where}: 'tokens' must be a non-empty list of non-empty strings")
        entities = []
        for k, e in enumerate(record["entities"]):
            if not isinstance(e, dict) or any(key not in e for key in ("type", "start", "end")):
                raise DataFormatError(f"{where}, entity {k}: expected {{'type', 'start', 'end'}}, got {e!r:.80}")
            if not (isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] < e["end"] <= len(tokens)):
                raise DataFormatError(f"{where}, entity {k}: span {e['start']}..{e['end']} is not inside the "
                                      f"sentence's {len(tokens)} tokens (start < end <= {len(tokens)}, end exclusive)")
            entities.append(Entity(str(e["type"]), e["start"], e["end"]))
        relations = []
        for k, r in enumerate(record["relations"]):
            if not isinstance(r, dict) or any(key not in r for key in ("type", "head", "tail")):
                raise DataFormatError(f"{where}, relation {k}: expected {{'type', 'head', 'tail'}}, got {r!r:.80}")
            for end in ("head", "tail"):
                if not (isinstance(r[end], int) and 0 <= r[end] < len(entities)):
                    raise DataFormatError(f"{where}, relation {k}: {end} {r[end]!r} points at no entity "
                                          f"(the sentence has {len(entities)}: indices 0..{len(entities) - 1})")
            relations.append(Relation(str(r["type"]), r["head"], r["tail"]))
        sentences.append(RelationSentence(list(tokens), entities, relations))
    if not sentences:
        raise DataFormatError(f"{path}: no sentences found")
    return sentences


def load_kg(data_dir: str | Path | None = None, seed: int = 0) -> dict[str, list[RelationSentence]]:
    """The relation-extraction set ``kg/{train,valid,test}.json`` (SpERT's format, :func:`read_spert`) as
    ``{"train", "valid", "test"}`` lists of sentences; without ``valid.json``, a seeded tenth of train."""
    return load_splits(dataset_folder(data_dir, "kg"), ".json", read_spert, seed, carve_sentences)
