"""Chapter 10 (the capstone agent): its requests: the skills' vocabularies, a seeded generator of requests with
held-out wordings, the argument filler and the keyword-rule router it is compared with.

A request names one skill and fills that skill's arguments. Its wording comes from a template, its arguments from
the skills' own catalogues (the companies of the headline stream, the users of the ratings, the people, firms and
cities of the knowledge-graph set, the colours and objects of the instruction world). Each argument value has
*surface forms*: the ones training requests may use, and others (a ticker, a colour's synonym, a user written as a
customer number) kept for the test requests, together with templates of their own. The validation requests have a
third group of templates and forms, used by neither of the others, so that the router chosen on validation is chosen
on wordings it never trained on. The router never sees a validation or test wording or surface form; the argument
filler reads every form the skill's vocabulary lists.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`) and its exercise checks.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from labkit.ch03 import COLOURS, HELDOUT_TEMPLATES, KINDS, TRAIN_TEMPLATES
from labkit.course.exercises import beats, check, close_to
from labkit.data import OUT_OF_SCOPE

# the bundled data folders notebook 10 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS = ("service", "finance", "movielens", "kg")
# the headline figures of notebook 10, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "agent_success", "agent_routing_accuracy", "agent_argument_accuracy",
]


@dataclass(frozen=True)
class Sizes:
    """The capstone's sizes for one profile."""

    train_per_skill: int  # router training requests per skill (validation: a quarter as many)
    test_per_skill: int  # held-out test requests per skill
    router_epochs: int  # most fine-tuning epochs of the encoder router (the best validation epoch is kept)


SIZES = {"ci": Sizes(120, 40, 5), "laptop": Sizes(300, 100, 10), "gpu": Sizes(300, 100, 10)}

# the artifacts this notebook loads: 01's encoder, 03's policy, and the models 05 to 09 deploy for its skills
READS = ("encoder", "instruction_policy", "service_classifier", "sentiment_classifier", "recommender", "knowledge_graph",
         "generator")
SKILLS = ("navigate", "sentiment", "recommend", "fact", "service", "draft", "out_of_scope")
SPLITS = ("train", "valid", "test")
# The group of templates and surface forms each split draws from: every table below lists (train, test, valid).
SIDE = {"train": 0, "test": 1, "valid": 2}
RELATIONS = ("Work_For", "Live_In", "OrgBased_In", "Located_In")
RELATION_SUBJECT = {"Work_For": "Peop", "Live_In": "Peop", "OrgBased_In": "Org", "Located_In": "Loc"}

# Surface forms of the instruction world's words: (train, test, valid forms). The canonical word comes first.
COLOUR_FORMS = {"red": (("red", "scarlet"), ("crimson",), ("ruby",)),
                "green": (("green", "emerald"), ("lime",), ("jade",)),
                "blue": (("blue", "navy"), ("azure",), ("cobalt",)),
                "yellow": (("yellow", "golden"), ("amber",), ("lemon",))}
KIND_FORMS = {"ball": (("ball", "sphere"), ("orb",), ("globe",)), "key": (("key",), ("latchkey",), ("keycard",)),
              "box": (("box", "crate"), ("chest",), ("carton",)), "door": (("door", "gate"), ("doorway",), ("portal",))}
# What each relation's questions say: the filler reads all of these, training questions use the first group only.
RELATION_WORDS = {"Work_For": (("work", "works", "employs", "employer"), ("payroll", "job"), ("employed",)),
                  "Live_In": (("live", "lives", "home"), ("reside", "resides", "residence"), ("dwell", "hometown")),
                  "OrgBased_In": (("based", "headquarters"), ("headquartered", "offices"), ("seat", "head office")),
                  "Located_In": (("country", "located"), ("nation",), ("belong",))}

# Templates per skill: (train, test, valid). {colour} {kind} {company} {user} {entity} {topic} are the slots.
TEMPLATES = {
    "navigate": (TRAIN_TEMPLATES, HELDOUT_TEMPLATES + ("could you steer the agent to the {colour} {kind}",
                                                       "i need the agent standing on the {colour} {kind}"),
                 ("travel over to the {colour} {kind}", "bring the agent next to the {colour} {kind}",
                  "the {colour} {kind} is where i want you")),
    "sentiment": (("how is {company} doing in the news?", "what is the sentiment trend for {company}?",
                   "give me the news mood about {company}", "any alerts for {company}?",
                   "is the press positive on {company} lately?", "show the headline sentiment of {company}",
                   "what is the tone of the headlines on {company}?", "are the headlines about {company} good or bad?"),
                  ("summarise recent headline tone for {company}", "has coverage of {company} turned sour?",
                   "what are journalists saying about {company} these days?"),
                  ("how do the papers feel about {company}?", "report on media opinion of {company}",
                   "is {company} getting good or poor coverage?")),
    "recommend": (("recommend some films for {user}", "what should {user} watch next?", "suggest movies for {user}",
                   "pick a few films {user} would like", "which movies would {user} enjoy?",
                   "give {user} some movie ideas", "find films that {user} might like"),
                  ("any viewing tips for {user}?", "line up a watchlist for {user}",
                   "{user} is bored: which pictures would they love?"),
                  ("propose cinema picks for {user}", "{user} wants a film night: what fits?",
                   "choose titles {user} would rate highly")),
    "draft": (("write a short story about {topic}", "compose a poem about {topic}", "write an email about {topic}",
               "write a slogan for {topic}", "write a few sentences about {topic}", "compose a letter about {topic}"),
              ("draft a paragraph on {topic}", "pen a few lines about {topic}"),
              ("put together a haiku on {topic}", "create some verses on {topic}")),
}
FACT_TEMPLATES = {  # the fact skill's templates, per relation: (train, test, valid)
    "Work_For": (("who does {entity} work for?", "which company employs {entity}?", "where does {entity} work?"),
                 ("who has {entity} on the payroll?", "what is the job of {entity}, which firm?"),
                 ("by whom is {entity} employed?", "name the organisation that has {entity} employed")),
    "Live_In": (("where does {entity} live?", "which city is home to {entity}?", "in which town does {entity} live?"),
                ("where does {entity} reside?", "what is the residence of {entity}?"),
                ("in what place does {entity} dwell?", "tell me the hometown of {entity}")),
    "OrgBased_In": (("where is {entity} based?", "in which city are the headquarters of {entity}?"),
                    ("where is {entity} headquartered?", "which city holds the offices of {entity}?"),
                    ("what is the seat of {entity}?", "say where {entity} keeps its head office")),
    "Located_In": (("which country is {entity} in?", "in which country is {entity} located?"),
                   ("{entity} lies in which nation?",),
                   ("to what state does {entity} belong?",)),
}
# Requests that leave an argument out: the agent must ask. (train, test, valid) per skill.
MISSING_TEMPLATES = {
    "navigate": (("go to the {colour} one", "walk to the {kind}"), ("reach the {kind} please",),
                 ("travel over to that {kind}", "bring the agent to something {colour}")),
    "sentiment": (("how is the company doing in the news?",), ("has the press coverage turned sour?",),
                  ("how do the papers feel about that firm?",)),
    "recommend": (("recommend some films",), ("any viewing tips?",), ("propose cinema picks",)),
}
TOPICS = (("the sea", "autumn", "a lost cat", "our new product"), ("mountains", "a birthday", "the winter sale"),
          ("the harbour", "spring rain", "our anniversary"))
USER_FORMS = (("user {id}", "user number {id}"), ("customer #{id}", "viewer {id}", "subscriber no. {id}"),
              ("member {id}", "member no. {id}"))
COMPANY_SUFFIX = " Group"  # the validation requests' form of a company's name (Quorvex Group)
# Openings and endings around a template's words: (train, test, valid). They vary the wording of the few templates.
OPENERS = (("", "please ", "hi, ", "hello, ", "good morning, ", "quick question: "), ("", "hey agent, ", "if you could, "),
           ("", "one thing: ", "right, "))
CLOSERS = (("", " please", " thanks", " thank you"), ("", " if possible", " when you can"), ("", " much obliged", " for me"))
MISSING_SHARE = 0.15  # of the navigate, sentiment and recommend requests
TEST_ENTITY_EVERY = 4  # one entity in 4 (in name order) is asked about only in test requests, another only in valid


def ticker(company: str) -> str:
    """The ticker the vocabulary lists for ``company``: its first four letters in capitals (Quorvex: QUOR)."""
    return company[:4].upper()


@dataclass
class Catalogue:
    """What the skills know: companies, user ids, the graph's entities and facts.

    ``entities`` maps a name to its type (``Peop``, ``Org``, ``Loc``); ``facts`` maps ``(name, relation)`` to the
    answer's name; ``aliases`` maps a person's test-only surface form ("Last, First") to the person."""

    companies: tuple[str, ...]
    users: tuple[int, ...]
    entities: dict[str, str]
    facts: dict[tuple[str, str], str]
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.companies or not self.users or not self.facts:
            raise ValueError("a catalogue needs at least one company, one user and one fact")
        for name, kind in self.entities.items():
            words = name.split()
            if kind == "Peop" and len(words) == 2:
                self.aliases.setdefault(f"{words[1]}, {words[0]}", name)

    def facts_for(self, side: int) -> list[tuple[tuple[str, str], str]]:
        """The facts the requests of one side (:data:`SIDE`: train 0, test 1, valid 2) ask about: in name order,
        every :data:`TEST_ENTITY_EVERY`-th entity is asked about in test only, the entity two places after each of
        those in validation only, the others in training."""
        names = sorted(self.entities)
        side_of = {name: {0: 1, 2: 2}.get(i % TEST_ENTITY_EVERY, 0) for i, name in enumerate(names)}
        return [(key, answer) for key, answer in sorted(self.facts.items()) if side_of[key[0]] == side]


def catalogue_from(companies: Iterable[str], user_ids: Iterable[int], sentences) -> Catalogue:
    """A :class:`Catalogue` from the headline stream's companies, the ratings' user ids and the knowledge-graph
    sentences (``labkit.data.RelationSentence``: every annotated triple of the four relations becomes a fact)."""
    entities, facts = {}, {}
    for sentence in sentences:
        for (h0, h1, htype), relation, (t0, t1, ttype) in sentence.triples():
            if relation not in RELATIONS:
                continue  # e.g. CoNLL04's Kill: no skill asks about it
            head, tail = " ".join(sentence.tokens[h0:h1]), " ".join(sentence.tokens[t0:t1])
            entities.setdefault(head, htype)
            entities.setdefault(tail, ttype)
            facts.setdefault((head, relation), tail)
    return Catalogue(tuple(dict.fromkeys(companies)), tuple(sorted(set(user_ids))), entities, facts)


@dataclass(frozen=True)
class Request:
    """A generated request: its text, the skill it asks for, the arguments it gives (``None`` where it leaves one
    out: the agent should ask), the template it came from and the surface forms its arguments took."""

    text: str
    skill: str
    arguments: dict | None
    template: str
    forms: tuple[str, ...] = ()


def generate_requests(catalogue: Catalogue, service: dict, sizes, seed: int) -> dict[str, list[Request]]:
    """Requests for ``train``, ``valid`` and ``test``, each split from its own group of wordings and forms
    (:data:`SIDE`), shuffled, deterministic for a seed.

    ``service`` holds customer requests per split, ``{"train": (texts, intents), "valid": ..., "test": ...}``
    (05's data: :data:`~labkit.data.OUT_OF_SCOPE` intents become the agent's ``out_of_scope`` requests; the others go to the service skill
    with their intent as the argument ``intent``); ``sizes`` is the profile (or a :class:`Sizes`)."""
    rng = random.Random(seed)
    counts = {"train": sizes.train_per_skill, "valid": max(sizes.train_per_skill // 4, 1), "test": sizes.test_per_skill}
    out = {split: [] for split in SPLITS}
    for skill in SKILLS:
        for split in ("train", "valid", "test"):  # service and out_of_scope take 05's requests of the same split
            out[split] += _unique(lambda: _one(skill, SIDE[split], catalogue, service, split, rng), counts[split], rng)
    for split in SPLITS:
        rng.shuffle(out[split])
    return out


WRITING_WORDS = ("write", "compose", "draft", "poem", "story", "essay", "slogan")


def asks_for_a_text(text: str) -> bool:
    """Whether ``text`` asks for a text to be written: 05's out-of-scope messages include such requests ("write a
    short poem about parrots"), which this agent's draft skill takes, so they are not its out-of-scope requests."""
    return any(word in WRITING_WORDS for word in request_words(text))


def _unique(make, wanted: int, rng: random.Random, tries: int = 50) -> list[Request]:
    """Up to ``wanted`` requests of distinct texts (fewer when the templates cannot make that many)."""
    seen, found = set(), []
    for _ in range(wanted * tries):
        request = make()
        if request.text not in seen:
            seen.add(request.text)
            found.append(request)
            if len(found) == wanted:
                break
    return found


def _one(skill: str, side: int, catalogue: Catalogue, service: dict, split: str, rng: random.Random) -> Request:
    pick = rng.choice
    if skill in ("service", "out_of_scope"):
        texts, intents = service[split]
        rows = [(t, i) for t, i in zip(texts, intents) if (i == OUT_OF_SCOPE) == (skill == "out_of_scope")
                and not (skill == "out_of_scope" and asks_for_a_text(t))]
        text, intent = pick(rows)
        return Request(text, skill, {} if skill == "out_of_scope" else {"intent": intent}, "(05's request)")
    if skill in MISSING_TEMPLATES and rng.random() < MISSING_SHARE:
        template = pick(MISSING_TEMPLATES[skill][side])
        values = {"colour": pick(COLOURS), "kind": pick(KINDS)}
        forms = {"colour": pick(COLOUR_FORMS[values["colour"]][side]), "kind": pick(KIND_FORMS[values["kind"]][side])}
        return Request(template.format(**forms), skill, None, template,
                       tuple(f for slot, f in forms.items() if f"{{{slot}}}" in template))
    if skill == "fact":
        (entity, relation), _ = pick(catalogue.facts_for(side))
        template = pick(FACT_TEMPLATES[relation][side])
        alias = [a for a, name in catalogue.aliases.items() if name == entity]
        form = alias[0] if side == 1 and alias else entity
        return Request(template.format(entity=form), skill, {"entity": entity, "relation": relation}, template, (form,))
    template = pick(OPENERS[side]) + pick(TEMPLATES[skill][side]) + pick(CLOSERS[side])
    if skill == "navigate":
        colour, kind = pick(COLOURS), pick(KINDS)
        forms = (pick(COLOUR_FORMS[colour][side]), pick(KIND_FORMS[kind][side]))
        return Request(template.format(colour=forms[0], kind=forms[1]), skill, {"colour": colour, "kind": kind},
                       template, forms)
    if skill == "sentiment":
        company = pick(catalogue.companies)
        form = ticker(company) if side == 1 else company + COMPANY_SUFFIX if side == 2 else company
        return Request(template.format(company=form), skill, {"company": company}, template, (form,))
    if skill == "recommend":
        user = pick(catalogue.users)
        form = pick(USER_FORMS[side]).format(id=user)
        return Request(template.format(user=form), skill, {"user": user}, template, (form,))
    if skill == "draft":
        return Request(template.format(topic=pick(TOPICS[side])), skill, {}, template)
    raise ValueError(f"skill={skill!r} is unknown; expected one of: {', '.join(SKILLS)}")


# --- understanding a request's arguments ------------------------------------------------------------------


def request_words(text: str) -> list[str]:
    """The lower-case words and numbers of ``text``, letters of any alphabet (punctuation dropped)."""
    return re.findall(r"[^\W_]+", text.lower())


def find_phrases(text: str, phrases: dict[str, str]) -> list[str]:
    """The values of the phrases (lower case, ``{phrase: value}``) found in ``text`` as whole words, longest
    phrase first, each word used once; distinct values in the order found."""
    found, tokens = [], request_words(text)
    used = [False] * len(tokens)
    for phrase in sorted(phrases, key=lambda p: -len(request_words(p))):
        key = request_words(phrase)
        for i in range(len(tokens) - len(key) + 1):
            if tokens[i:i + len(key)] == key and not any(used[i:i + len(key)]):
                used[i:i + len(key)] = [True] * len(key)
                found.append((i, phrases[phrase]))
    return list(dict.fromkeys(value for _, value in sorted(found)))


@dataclass
class Filled:
    """What the filler made of a request for one skill: the arguments it found, and what it must ask about
    (``missing``: arguments it found no value for; ``ambiguous``: argument -> the values it could not choose
    between; ``unknown``: argument -> a value that looks like one but is not in the catalogue)."""

    arguments: dict
    missing: list[str] = field(default_factory=list)
    ambiguous: dict[str, list] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.ambiguous or self.unknown)


def vocabulary(catalogue: Catalogue, synonyms: bool = True) -> dict[str, dict[str, str]]:
    """Each argument's phrases: ``{argument: {phrase (lower case): value}}``. ``synonyms=False`` keeps only the
    canonical names (the colour and object words, the companies' and entities' full names, the first relation
    word): the baseline that shows what the listed synonyms add."""
    def table(forms: dict[str, tuple[tuple[str, ...], ...]]) -> dict[str, str]:
        return {phrase: value for value, groups in forms.items()
                for phrase in ([p for group in groups for p in group] if synonyms else groups[0][:1])}
    companies = {c.lower(): c for c in catalogue.companies}
    entities = {name.lower(): name for name in catalogue.entities}
    if synonyms:
        companies |= {ticker(c).lower(): c for c in catalogue.companies}
        entities |= {alias.lower(): name for alias, name in catalogue.aliases.items()}
    return {"colour": table(COLOUR_FORMS), "kind": table(KIND_FORMS), "company": companies, "entity": entities,
            "relation": table(RELATION_WORDS)}


def fill_arguments(skill: str, text: str, catalogue: Catalogue, vocab: dict[str, dict[str, str]]) -> Filled:
    """The arguments of ``skill`` in ``text``, read with the skill's vocabulary (:func:`vocabulary`)."""
    if skill == "navigate":
        return _pick({name: find_phrases(text, vocab[name]) for name in ("colour", "kind")})
    if skill == "sentiment":
        return _pick({"company": find_phrases(text, vocab["company"])})
    if skill == "recommend":
        numbers = list(dict.fromkeys(int(n) for n in re.findall(r"\d+", text)))
        filled = _pick({"user": numbers})
        if filled.complete and filled.arguments["user"] not in catalogue.users:
            return Filled({}, unknown={"user": str(filled.arguments["user"])})
        return filled
    if skill == "fact":
        filled = _pick({"entity": find_phrases(text, vocab["entity"])})
        if not filled.complete:
            return filled
        kind = catalogue.entities[filled.arguments["entity"]]
        fitting = [r for r in find_phrases(text, vocab["relation"]) if RELATION_SUBJECT[r] == kind]
        if not fitting:  # no relation word for this kind of entity: its kind may say which one is meant
            fitting = [r for r in RELATIONS if RELATION_SUBJECT[r] == kind]
        filled = _pick({**{k: [v] for k, v in filled.arguments.items()}, "relation": fitting})
        return filled
    if skill == "draft":
        return Filled({"topic": draft_topic(text)})
    if skill in ("service", "out_of_scope"):
        return Filled({"question": text} if skill == "service" else {})
    raise ValueError(f"skill={skill!r} is unknown; expected one of: {', '.join(SKILLS)}")


TOPIC_CUES = ("about", "on", "for")  # the word before a draft's topic ("a poem about the sea", "verses on spring")


def draft_topic(text: str) -> str:
    """What a draft request asks to write about: the words after its first :data:`TOPIC_CUES` word, without a
    closing courtesy (:data:`CLOSERS`: "please", "for me", ...) or end punctuation; the whole request when no cue
    word occurs."""
    match = re.search(rf"\b(?:{'|'.join(TOPIC_CUES)})\b\s+(.+)", text, flags=re.IGNORECASE)
    topic = (match.group(1) if match else text).strip(" .!?")
    closers = sorted({c.strip() for group in CLOSERS for c in group if c.strip()}, key=len, reverse=True)
    while any(topic.lower().endswith(" " + c) for c in closers):
        closer = next(c for c in closers if topic.lower().endswith(" " + c))
        topic = topic[: -len(closer) - 1].strip(" ,.!?")
    return topic


def _pick(candidates: dict[str, list]) -> Filled:
    filled = Filled({})
    for name, values in candidates.items():
        if not values:
            filled.missing.append(name)
        elif len(values) > 1:
            filled.ambiguous[name] = values
        else:
            filled.arguments[name] = values[0]
    return filled


SLOTS = ("colour", "kind", "company", "entity")  # the arguments :func:`delexicalise` replaces by their name
USER_WORDS = ("user", "customer", "viewer", "subscriber", "member")  # the words put before a user id


def delexicalise(text: str, vocab: dict[str, dict[str, str]]) -> str:
    """``text`` in lower-case words, each phrase of an argument of :data:`SLOTS` that ``vocab`` knows replaced by
    that argument's name and each number by ``number``: what the router reads, so that it learns from the shape of a
    request ("walk to the colour kind") and meets a listed synonym it never saw as a familiar name."""
    tokens = request_words(text)
    tags: list[str | None] = [None] * len(tokens)
    for slot in SLOTS:
        for phrase in sorted(vocab[slot], key=lambda p: -len(request_words(p))):
            key = request_words(phrase)
            for i in range(len(tokens) - len(key) + 1):
                if tokens[i:i + len(key)] == key and not any(tags[i:i + len(key)]):
                    tags[i:i + len(key)] = [slot] + [""] * (len(key) - 1)  # one name for the whole phrase
    for i, token in enumerate(tokens):  # "user 12", "customer #12", "subscriber no. 12": one name for the user
        ahead = tokens[i + 1:i + 3]
        number_at = 1 + (ahead[:1] in (["number"], ["no"]))
        if token in USER_WORDS and len(ahead) >= number_at and ahead[number_at - 1].isdigit() and tags[i] is None:
            tags[i:i + number_at + 1] = ["user"] + [""] * number_at
    out = [("number" if token.isdigit() else token) if tag is None else tag for token, tag in zip(tokens, tags)]
    return " ".join(w for w in out if w)


ARGUMENT_NAMES = (*SLOTS, "user")  # the argument names a delexicalised request can carry


class ArgumentTypes:
    """Argument-type evidence for routing: how often the training requests of each skill carry each set of argument
    names after :func:`delexicalise` (a company: ``sentiment``; a user: ``recommend``; a colour and an object:
    ``navigate``). ``self(texts)`` gives p(skill | the names in the text), counted with ``alpha`` added to each
    cell, so a set of names never seen in training leaves every skill possible."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int], n_labels: int, alpha: float = 1.0):
        self.n_labels, self.alpha = n_labels, alpha
        self.counts: dict[frozenset, list[int]] = {}
        for text, label in zip(texts, labels):
            self.counts.setdefault(self.names(text), [0] * n_labels)[int(label)] += 1

    @staticmethod
    def names(text: str) -> frozenset:
        return frozenset(set(text.split()) & set(ARGUMENT_NAMES))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        counts = np.array([self.counts.get(self.names(t), [0] * self.n_labels) for t in texts], float) + self.alpha
        return counts / counts.sum(-1, keepdims=True)


def with_argument_types(probs: np.ndarray, evidence: np.ndarray, weight: float) -> np.ndarray:
    """A router's probabilities times the argument-type evidence to the power ``weight``, renormalised (a product
    of experts; ``weight`` 0 leaves the router alone)."""
    scores = np.log(np.asarray(probs) + 1e-9) + weight * np.log(evidence)
    scores = np.exp(scores - scores.max(-1, keepdims=True))
    return scores / scores.sum(-1, keepdims=True)


def split_clauses(text: str) -> list[str]:
    """``text`` cut at the words that join two requests ("and then", "and also", "then", "also", ";"), keeping
    the parts of three words or more: a request for two skills at once becomes two clauses."""
    parts = re.split(r";|\band then\b|\band also\b|\bthen\b|\balso\b|\band\b", text, flags=re.IGNORECASE)
    return [p.strip(" ,.") for p in parts if len(request_words(p)) >= 3]


def known_share(text: str, known: set[str]) -> float:
    """The share of the words of ``text`` (letters only) that are in ``known``: low for another language."""
    letters = [w for w in request_words(text) if not w.isdigit()]
    return sum(w in known for w in letters) / len(letters) if letters else 1.0


# --- the baseline: a router of keyword rules ----------------------------------------------------------------

KEYWORD_RULES = (  # written from the training templates; the first rule that fires wins
    ("draft", ("write", "compose", "poem", "story", "slogan")),
    ("recommend", ("recommend", "suggest", "watch", "films", "movies", "film", "movie")),
    ("sentiment", ("news", "sentiment", "mood", "press", "alerts", "headline")),
    ("fact", ("who", "where", "which company", "which city", "which country", "employs", "live", "based")),
    ("navigate", ("go", "walk", "find", "move", "head", "get to", "run", "approach", "navigate", "make your way")),
    ("service", ("card", "account", "refund", "pin", "transfer", "order", "password", "fee", "fees", "address",
                 "charge", "delivery", "top up", "exchange", "human", "locked", "declined", "cancel")),
)


def keyword_route(text: str, catalogue: Catalogue | None = None) -> str:
    """The skill the first matching rule of :data:`KEYWORD_RULES` names (a company's name means ``sentiment``);
    ``out_of_scope`` when none fires."""
    for skill, keywords in KEYWORD_RULES:
        if find_phrases(text, {k: k for k in keywords}):
            return skill
        if skill == "sentiment" and catalogue and find_phrases(text, {c.lower(): c for c in catalogue.companies}):
            return skill
    return "out_of_scope"


def skeleton(request: Request) -> str:
    """The template of a request as text, its slots blanked: what the leak check compares."""
    return re.sub(r"\{\w+\}", "_", request.template)


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = request_words(text)
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def leaks(train: Sequence[Request], test: Sequence[Request], n: int = 4) -> dict[str, list[str]]:
    """What of the ``test`` requests occurs in ``train`` (any two groups: train and validation against test,
    train against validation): ``templates`` (a test template used by a training request), ``texts`` (a test text
    identical to a training one), ``template_ngrams`` (word ``n``-grams of a test template, slots removed, that a
    training template has) and ``forms`` (an argument's test surface form found, as whole words, in a training text
    made from a template: a city that a customer of 05 happens to name is not a leaked form)."""
    train_templates = {r.template for r in train}
    train_grams = set().union(*(ngrams(skeleton(r), n) for r in train))
    train_texts = {r.text for r in train}
    joined = " | ".join(" ".join(request_words(r.text)) for r in train if "{" in r.template)
    return {"templates": sorted({r.template for r in test if r.template in train_templates and "{" in r.template}),
            "texts": sorted({r.text for r in test if r.text in train_texts}),
            "template_ngrams": sorted({" ".join(g) for r in test for g in ngrams(skeleton(r), n) & train_grams}),
            "forms": sorted({f for r in test for f in r.forms if re.search(rf"\b{' '.join(request_words(f))}\b", joined)})}


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_agent_routing_accuracy(lab, answer, requests, turns) -> str:
    expected = sum(t.skill == r.skill for r, t in zip(requests, turns)) / len(requests)
    return check(lab, "10.1 routing accuracy", answer, close_to(expected, 1e-6),
                 "compare each turn's skill with its request's skill, then take the mean of the booleans")


def check_agent_missing_arguments(lab, answer, requests) -> str:
    expected = sum(r.arguments is None for r in requests)
    return check(lab, "10.2 requests that leave an argument out", answer, lambda a: a == expected,
                 "a request that leaves an argument out has arguments None; count those among the test requests")


def check_agent_navigation_reach(lab, answer, requests, turns) -> str:
    reached = [t.result.value for r, t in zip(requests, turns)
               if r.skill == "navigate" and t.skill == "navigate" and t.status == "done"]
    expected = sum(reached) / len(reached) if reached else 0.0
    return check(lab, "10.3 navigation reach rate", answer, close_to(expected, 1e-6),
                 "keep the navigate requests whose turn chose navigate with status 'done', then average "
                 "turn.result.value (True when the agent reached the object)")


def check_routing_fallback(lab, answer, requests, catalogue, margin: float = 0.05) -> str:
    """Exercise 10.4: ``answer(texts) -> skills`` (a list of request texts in, one skill of :data:`SKILLS` per text
    out) must route ``requests`` (the validation requests) right at least ``margin`` more often than
    :func:`keyword_route`."""
    texts, truth = [r.text for r in requests], [r.skill for r in requests]
    baseline = sum(keyword_route(t, catalogue) == s for t, s in zip(texts, truth)) / len(requests)

    def accuracy(route):
        chosen = list(route(list(texts)))
        if len(chosen) != len(texts) or any(c not in SKILLS for c in chosen):
            raise ValueError(f"return one skill of {', '.join(SKILLS)} per text, in order")
        return sum(c == s for c, s in zip(chosen, truth)) / len(requests)

    right = beats(accuracy, baseline, margin, f"router's accuracy on the {len(requests)} validation requests",
                  "the keyword rules")
    return check(lab, "10.4 a fallback for the keyword rules", answer, right,
                 f"the keyword rules route {baseline:.1%} of the validation requests right; yours must reach "
                 f"{baseline + margin:.1%}. They answer out_of_scope whenever no rule fires: send those requests "
                 "(all of them at once) to route_probs and take its top skill (LABELS[argmax]) when its top "
                 "probability is at least ASK_BELOW")
