"""The relation-extraction set: ``kg/{train,valid,test}.json`` in SpERT's JSON format (notebook 08).

A small world of people, organisations, cities and countries with known facts (who works for which
organisation, who lives where, where each organisation is based, which country each city is in) is
written out as sentences, each fact through one of several paraphrase templates. Some sentences state
two facts, some state one fact beside an unrelated entity, some state none. Facts are split between
train, valid and test; test sentences use held-out paraphrase templates half of the time, and some
people, organisations and cities appear in test only (their names come from a held-out part of the
name pools), so memorised names are not enough. No test sentence shares a run of 6 words with a train
or valid sentence (a test sentence that did is drawn again).
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from .lexicon import CITIES, COUNTRIES, EVENTS, FIRST_NAMES, LAST_NAMES, NGRAM, ORG_KINDS, ORG_NAMES, SLOT, \
    MONTHS, WEEKDAYS, sharing_ngrams, table, tokenize, write_text

RELATIONS = {  # relation -> (head type, tail type), CoNLL04's names
    "Work_For": ("Peop", "Org"), "Live_In": ("Peop", "Loc"), "OrgBased_In": ("Org", "Loc"), "Located_In": ("Loc", "Loc"),
}
SLOT_TYPES = {"P": "Peop", "P2": "Peop", "O": "Org", "O2": "Org", "C": "Loc", "C2": "Loc", "K": "Loc", "EV": "Other"}
# people, organisations and cities of the world: shared by every split, or seen in one held-out split only
WORLD = {"people": 150, "orgs": 40, "cities": 36, "countries": 12}
HELD_OUT_ENTITIES = {"valid": {"people": 8, "orgs": 3, "cities": 3}, "test": {"people": 45, "orgs": 10, "cities": 8}}
FACT_SPLIT = {"valid": 0.08, "test": 0.22}  # facts among shared entities stated only in that split
SAME_CITY = 0.8  # chance that a person lives in the city where their employer is based
RENDERINGS = {"train": 3, "valid": 2, "test": 2}  # single-fact sentences per fact of the split
EXTRA = {"double": 0.25, "mixed": 0.15, "none": 0.15}  # further sentences, as fractions of the single-fact ones
HELD_OUT_TEMPLATE_SHARE = 0.5  # share of valid/test single-fact sentences drawn from their own templates

# {slot} is an entity; the relation's head and tail are the slots named in the key
SINGLE = {
    "Work_For": {
        "train": ("{P} works for {O} .", "{P} is an engineer at {O} .", "{O} hired {P} in {MONTH} .",
                  "{P} , a spokesman for {O} , declined to comment .", "{P} has worked at {O} since {YEAR} .",
                  "{O} said its head of research , {P} , would retire ."),
        "valid": ("{P} manages the sales team of {O} .",),
        "test": ("{P} is employed by {O} .", "{O} named {P} as its new director on {DAY} ."),
    },
    "Live_In": {
        "train": ("{P} lives in {C} .", "{P} , a resident of {C} , was not available .", "{P} has a flat in {C} .",
                  "{P} grew up and still lives in {C} .", "At home in {C} , {P} spoke to reporters ."),
        "valid": ("{P} settled in {C} with the family .",),
        "test": ("{P} makes a home in {C} these days .", "{P} , who resides in {C} , wrote to the paper ."),
    },
    "OrgBased_In": {
        "train": ("{O} is based in {C} .", "{O} , headquartered in {C} , reported a profit .",
                  "The {C} company {O} cut jobs on {DAY} .", "{O} has its head office in {C} .",
                  "{O} of {C} announced a merger ."),
        "valid": ("{O} keeps its main office in {C} .",),
        "test": ("{O} , a {C} firm , lost money this year .", "{O} runs its business from {C} ."),
    },
    "Located_In": {
        "train": ("{C} is a city in {K} .", "{C} lies in the north of {K} .", "Floods hit {C} , {K} , on {DAY} .",
                  "{C} , the second city of {K} , hosted the talks ."),
        "valid": ("{C} is in the south of {K} .",),
        "test": ("{C} belongs to {K} .", "Many tourists visit {C} in {K} each summer ."),
    },
}
DOUBLE = {  # two facts about one person (Work_For + Live_In) or one organisation (OrgBased_In + Work_For)
    "person": ("{P} , who lives in {C} , works for {O} .", "{P} works for {O} and lives in {C} .",
               "{P} of {O} has lived in {C} since {YEAR} ."),
    "org": ("{O} , based in {C} , hired {P} .", "{P} joined {O} , a firm based in {C} .",
            "{O} of {C} said {P} would lead the team ."),
}
MIXED = {  # one fact and an entity it says nothing about (the hard negatives)
    "Work_For": ("{P} , who works for {O} , visited {C2} on {DAY} .", "{P} of {O} met {P2} at the {EV} ."),
    "Live_In": ("{P} lives in {C} but criticised {O2} .", "{P} of {C} flew to {C2} for the {EV} ."),
    "OrgBased_In": ("{O} , based in {C} , sponsored the {EV} .", "{O} is based in {C} and sells shares to {O2} ."),
    "Located_In": ("{P2} visited {C} , a city in {K} .",),
}
NONE = ("{P} visited {C2} last week .", "{P} criticised {O2} in an interview .", "{P} and {P2} spoke at the {EV} .",
        "Shares of {O2} fell on {DAY} .", "{P} sold shares of {O2} in {MONTH} .", "{O2} sponsored a concert in {C2} .",
        "{P} met {P2} in {C2} .", "The {EV} was held on {DAY} .")
YEARS = tuple(str(y) for y in range(1995, 2021))


def _names(rng: random.Random, n: int, make) -> list[str]:
    seen: list[str] = []
    while len(seen) < n:
        name = make(rng)
        if name not in seen:
            seen.append(name)
    return seen


def _pools(seed: int) -> dict[str, dict[str, tuple]]:
    """First names, last names, organisation names and cities split into train/valid/test parts (disjoint)."""
    parts = {}
    for key, items, shares in (("first", FIRST_NAMES, (0.7, 0.1)), ("last", LAST_NAMES, (0.7, 0.1)),
                               ("org", ORG_NAMES, (0.6, 0.12)), ("city", CITIES, (0.6, 0.12))):
        order = list(items)
        random.Random(f"kg:{seed}:{key}").shuffle(order)
        a, b = round(len(order) * shares[0]), round(len(order) * (shares[0] + shares[1]))
        parts[key] = {"train": tuple(order[:a]), "valid": tuple(order[a:b]), "test": tuple(order[b:])}
    return parts


def build_world(seed: int) -> dict:
    """Entities (name -> type and the split that may mention them: ``shared``, ``valid`` or ``test``) and facts."""
    rng = random.Random(f"kg-world:{seed}")
    pools = _pools(seed)
    countries = rng.sample(COUNTRIES, WORLD["countries"])
    world = {"type": {}, "owner": {}, "facts": []}

    def add(names, kind, owner):
        for name in names:
            world["type"][name], world["owner"][name] = kind, owner
        return names

    cities, orgs, people = {}, {}, {}
    for owner, sizes in (("shared", WORLD), *HELD_OUT_ENTITIES.items()):
        part = "train" if owner == "shared" else owner
        cities[owner] = add(rng.sample(pools["city"][part], sizes["cities"]), "Loc", owner)
        orgs[owner] = add(_names(rng, sizes["orgs"], lambda r: f"{r.choice(pools['org'][part])} {r.choice(ORG_KINDS)}"),
                          "Org", owner)
        people[owner] = add(_names(rng, sizes["people"],
                                   lambda r: f"{r.choice(pools['first'][part])} {r.choice(pools['last'][part])}"),
                            "Peop", owner)
    add(countries, "Loc", "shared")
    facts = world["facts"]
    based = {}
    for owner in cities:
        for city in cities[owner]:
            facts.append(("Located_In", city, rng.choice(countries)))
        for org in orgs[owner]:
            based[org] = rng.choice(cities[owner] + (cities["shared"] if owner != "shared" else []))
            facts.append(("OrgBased_In", org, based[org]))
        for person in people[owner]:
            org = rng.choice(orgs[owner] + (orgs["shared"] if owner != "shared" else []))
            home = based[org] if rng.random() < SAME_CITY else rng.choice(cities["shared"] + cities[owner] * (owner != "shared"))
            facts += [("Work_For", person, org), ("Live_In", person, home)]
    return world


def split_facts(world: dict, seed: int) -> dict[str, list[tuple[str, str, str]]]:
    """Each fact's split: a fact touching a held-out entity goes to that entity's split; the others are drawn."""
    rng = random.Random(f"kg-facts:{seed}")
    out = {"train": [], "valid": [], "test": []}
    for fact in world["facts"]:
        owners = {world["owner"][fact[1]], world["owner"][fact[2]]} - {"shared"}
        if owners:
            out[owners.pop()].append(fact)
            continue
        x = rng.random()
        out["test" if x < FACT_SPLIT["test"] else "valid" if x < FACT_SPLIT["test"] + FACT_SPLIT["valid"] else "train"].append(fact)
    return out


def render(template: str, values: dict[str, str], rng: random.Random) -> tuple[list[str], list[dict], dict[str, int]]:
    """Tokens and entity spans of ``template`` filled with ``values`` (missing date slots drawn with ``rng``)."""
    tokens, entities, index = [], [], {}
    pos = 0
    for match in SLOT.finditer(template):
        tokens += tokenize(template[pos:match.start()])
        slot = match.group(1)
        if slot in SLOT_TYPES:
            words = tokenize(values[slot])
            index[slot] = len(entities)
            entities.append({"type": SLOT_TYPES[slot], "start": len(tokens), "end": len(tokens) + len(words)})
            tokens += words
        else:
            tokens += tokenize(rng.choice({"DAY": WEEKDAYS, "MONTH": MONTHS, "YEAR": YEARS}[slot]))
        pos = match.end()
    tokens += tokenize(template[pos:])
    if tokens[0][:1].islower():
        tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
    return tokens, entities, index


SLOTS_OF = {"Work_For": ("P", "O"), "Live_In": ("P", "C"), "OrgBased_In": ("O", "C"), "Located_In": ("C", "K")}


def _record(template, values, facts, rng) -> dict:
    tokens, entities, index = render(template, values, rng)
    relations = [{"type": rel, "head": index[SLOTS_OF[rel][0]], "tail": index[SLOTS_OF[rel][1]]} for rel in facts]
    return {"tokens": tokens, "entities": entities, "relations": relations}


def build_split(world: dict, facts: list, split: str, seed: int) -> list[dict]:
    """The sentences of one split, shuffled."""
    rng = random.Random(f"kg-sentences:{seed}:{split}")
    mentionable = {owner: [n for n, o in world["owner"].items() if o == owner] for owner in ("shared", "valid", "test")}
    own = mentionable["shared"] + (mentionable[split] if split != "train" else [])
    by_type = {kind: [n for n in own if world["type"][n] == kind] for kind in ("Peop", "Org", "Loc")}
    by_type["Loc"] = [n for n in by_type["Loc"] if not any(f[0] == "Located_In" and f[2] == n for f in world["facts"])]
    fact_values = lambda rel, h, t: dict(zip(SLOTS_OF[rel], (h, t)))  # noqa: E731

    def fill_others(values):
        for slot, kind in (("P2", "Peop"), ("O2", "Org"), ("C2", "Loc")):
            choices = [n for n in by_type[kind] if n not in values.values()]
            values[slot] = rng.choice(choices)
        values["EV"] = rng.choice(EVENTS)
        return values

    records = []
    for rel, head, tail in facts:
        for _ in range(RENDERINGS[split]):
            group = split if split != "train" and rng.random() < HELD_OUT_TEMPLATE_SHARE else "train"
            records.append(_record(rng.choice(SINGLE[rel][group]), fact_values(rel, head, tail), [rel], rng))
    n_single = len(records)
    fact_set = set(facts)
    works = {h: t for r, h, t in facts if r == "Work_For"}
    lives = {h: t for r, h, t in facts if r == "Live_In"}
    based = {h: t for r, h, t in facts if r == "OrgBased_In"}
    pairs = [("person", p) for p in sorted(works) if p in lives] + [("org", p) for p in sorted(works) if works[p] in based]
    rng.shuffle(pairs)
    for kind, person in pairs[:round(EXTRA["double"] * n_single)]:
        org = works[person]
        city = lives[person] if kind == "person" else based[org]
        template = rng.choice(DOUBLE[kind])
        rels = ["Work_For", "Live_In" if kind == "person" else "OrgBased_In"]
        assert (rels[1], person if kind == "person" else org, city) in fact_set
        record = _record(template, {"P": person, "O": org, "C": city}, rels, rng)
        records.append(record)
    for _ in range(round(EXTRA["mixed"] * n_single)):
        rel, head, tail = rng.choice(facts)
        records.append(_record(rng.choice(MIXED[rel]), fill_others(fact_values(rel, head, tail)), [rel], rng))
    for _ in range(round(EXTRA["none"] * n_single)):
        records.append(_record(rng.choice(NONE), fill_others({"P": rng.choice(by_type["Peop"])}), [], rng))
    rng.shuffle(records)
    return records


def _text(record: dict) -> str:
    return " ".join(record["tokens"])


def build(seed: int = 0) -> tuple[dict[str, list[dict]], dict, dict[str, int]]:
    """``(splits, world, redrawn)``: the sentences of each split, the world, and how many held-out sentences were
    drawn again because they shared a run of ``NGRAM`` words with an earlier split."""
    world = build_world(seed)
    facts = split_facts(world, seed)
    splits, redrawn = {}, {}
    for split in ("train", "valid", "test"):
        records = build_split(world, facts[split], split, seed)
        earlier = [_text(r) for s in splits.values() for r in s]
        redrawn[split] = 0
        for attempt in range(20):
            leaked = set(sharing_ngrams([_text(r) for r in records], earlier, NGRAM)) if earlier else set()
            if not leaked:
                break
            redrawn[split] += len(leaked)
            fresh = build_split(world, facts[split], split, seed + 1000 * (attempt + 1))
            spare = [r for r in fresh if _text(r) not in leaked]
            records = [r if _text(r) not in leaked else spare.pop() for r in records]
        splits[split] = records
    return splits, world, redrawn


def dump(records: list[dict]) -> str:
    """SpERT's layout: one JSON list; here one sentence per line, so that diffs stay readable."""
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``train.json``, ``valid.json``, ``test.json`` and ``README.md`` into ``out_dir``."""
    splits, world, redrawn = build(seed)
    paths = [write_text(Path(out_dir) / f"{split}.json", dump(records)) for split, records in splits.items()]
    return paths + [write_text(Path(out_dir) / "README.md", card(splits, world, redrawn, seed))]


def card(splits: dict[str, list[dict]], world: dict, redrawn: dict[str, int], seed: int) -> str:
    """The data-set card, every number computed from the data."""
    rows = []
    for split, records in splits.items():
        ents = Counter(e["type"] for r in records for e in r["entities"])
        rels = Counter(x["type"] for r in records for x in r["relations"])
        n_rel = Counter(len(r["relations"]) for r in records)
        rows.append([split, len(records), *(ents[t] for t in ("Peop", "Org", "Loc", "Other")),
                     *(rels[t] for t in RELATIONS), n_rel[0], n_rel[1], sum(v for k, v in n_rel.items() if k >= 2)])
    header = ["split", "sentences", "Peop", "Org", "Loc", "Other", *RELATIONS, "no relation", "one", "two"]
    owners = Counter(world["owner"].values())
    example = splits["train"][0]
    spans = ", ".join(f"{' '.join(example['tokens'][e['start']:e['end']])} ({e['type']})" for e in example["entities"])
    return f"""# kg: sentences with entities and relations, in SpERT's JSON format

Generated by `datasets/generate.py` (module `datasets.generator.kg`, seed {seed}). Do not edit by hand:
change the generator and run it again. Notebook 08 reads it; `DATA_DIR/kg/` with CoNLL04 (or any set) in
SpERT's JSON format replaces it.

## Format

`{{train,valid,test}}.json`: a JSON list of sentences, each
`{{"tokens": [...], "entities": [{{"type", "start", "end"}}], "relations": [{{"type", "head", "tail"}}]}}`;
`end` is exclusive, `head` and `tail` index the sentence's `entities`. Entity and relation types are
CoNLL04's: Peop, Org, Loc, Other; Work_For, Live_In, OrgBased_In, Located_In (CoNLL04's fifth, Kill, is not
generated). Example: "{" ".join(example["tokens"])}": {spans}; relations
{", ".join(f"{x['type']}({x['head']} -> {x['tail']})" for x in example["relations"]) or "none"}.

{table(header, rows)}

(entity and relation columns count mentions; the last three count sentences by their number of relations)

## The world behind it

{owners["shared"]} people, organisations, cities and countries seen in every split, {owners["valid"]} seen in valid only
and {owners["test"]} in test only (their first names, last names, organisation names and cities come from parts of
the kit's name pools that no other split uses). Each person works for one organisation and lives in one city (the
city where the employer is based, with probability {SAME_CITY}); each organisation is based in a city; each city is
in a country. Every fact is one triple; {len(world["facts"])} in all. Facts among shared entities go to valid
({FACT_SPLIT["valid"]:.0%}) or test ({FACT_SPLIT["test"]:.0%}) or train (the rest); a fact touching a held-out
entity goes to that entity's split. So the test sentences state facts never stated in train (the held-out triples
of link prediction), often about entities train does mention.

## The sentences

Each fact of train is stated {RENDERINGS["train"]} times, each of valid and test {RENDERINGS["test"]} times, through paraphrase
templates (several per relation). Half of the valid and test single-fact sentences use templates of their own split
that train never uses ("is employed by", "resides in", ...). Further sentences state two facts about one person or
one organisation ({EXTRA["double"]:.0%} of the single-fact count), one fact beside an unrelated person, company,
city or event ({EXTRA["mixed"]:.0%}: "visited", "criticised", the hard negatives) or no fact at all
({EXTRA["none"]:.0%}).

No valid or test sentence shares a run of {NGRAM} words (lower case, punctuation ignored) with a sentence of an
earlier split (train, then valid): those that did were drawn again (valid {redrawn["valid"]}, test
{redrawn["test"]} times); `tests/test_datagen.py` checks it.
"""
