"""The financial-sentiment set: ``finance/Sentences_AllAgree.txt`` in Financial PhraseBank's layout,
and a stream of dated headlines with sentiment shifts injected at known dates.

- ``Sentences_AllAgree.txt``: one ``sentence@label`` per line (``positive``, ``negative`` or
  ``neutral``), sentences about fictional companies written the way PhraseBank's are (tokens
  separated by spaces, ``EUR 5.2 mn``, ``12.5 %``). PhraseBank has no official split; notebook 06
  makes a seeded, stratified one.
- ``stream.csv`` (``date,company,headline``): a few headlines a day about four companies whose names
  never occur in the labelled sentences, from headline templates the labelled sentences never use,
  so a classifier is judged on phrasing it has not seen (the cue words themselves, *wins*, *cut*, *loss* ...,
  do occur in the labelled sentences, in other wordings).
- ``shifts.csv`` (``company,start,end,direction``): the injected episodes, during which a company's
  news turns negative (or positive); outside them every company has the same calm mix.

No sentence shares a run of six words with the pretraining corpus (``corpus.py``): a candidate that
would is drawn again, and the card quotes the count.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter
from pathlib import Path

from . import corpus
from .lexicon import NGRAM, PhraseIndex, fill, ngrams, table, write_text

LABELS = ("positive", "negative", "neutral")
SENTENCES = 3000
LABEL_WEIGHTS = {"positive": 0.27, "negative": 0.13, "neutral": 0.60}  # close to PhraseBank's all-agree mix

# --- companies: invented names, cut into the labelled part and the four stream companies ---------

STEMS = ("Arvo", "Belka", "Corva", "Dalmo", "Ekva", "Fenno", "Galva", "Halvo", "Ilmar", "Jorva", "Kestra",
         "Lumo", "Marva", "Norda", "Ostra", "Pelto", "Ranta", "Salmi", "Tarvo", "Ulvi", "Vesta", "Ylva",
         "Kivi", "Moreno", "Tundra", "Aalto", "Brenta", "Solna", "Virta", "Hakra")
ENDINGS = ("tec", "mar", "nova", "lux", "dex", "gard", "stad", "holm", "ron", "vik", "lan", "tori")
LEGAL = ("", "", "", " Oyj", " Group", " plc", " AB", " ASA", " Corporation")
STREAM_COMPANIES = ("Quorvex", "Haldana", "Pirtek", "Sunvaara")  # never in the labelled sentences


def companies(seed: int) -> list[str]:
    rng = random.Random(f"finance:{seed}:companies")
    names = sorted({stem + ending for stem in STEMS for ending in ENDINGS})
    rng.shuffle(names)
    return [name + rng.choice(LEGAL) for name in names[:160]]


# --- slot values ------------------------------------------------------------------------------

METRICS = ("net sales", "operating profit", "revenue", "net profit", "order intake", "EBIT", "sales",
           "pre-tax profit", "earnings per share", "operating margin", "comparable sales", "net income")
PERIODS = ("the first quarter of {year}", "the second quarter of {year}", "the third quarter of {year}",
           "the fourth quarter of {year}", "the first half of {year}", "January-June {year}",
           "January-September {year}", "{year}", "the financial year {year}", "the review period")
UP = ("increased", "rose", "grew", "went up", "climbed", "improved", "jumped", "was up")
DOWN = ("decreased", "fell", "declined", "went down", "dropped", "slumped", "was down", "weakened")
NATIONS = ("Finnish", "Swedish", "Norwegian", "Danish", "Estonian", "Nordic", "Baltic", "German", "Polish")
PRODUCTS = ("paper machines", "elevators", "mobile phones", "forest machinery", "steel pipes", "packaging board",
            "diesel engines", "wind turbine parts", "building materials", "software", "glass products",
            "electronics components", "frozen foods", "fishing equipment", "pharmaceuticals", "telecom networks",
            "sawn timber", "furniture", "marine propulsion systems", "printed circuit boards")
INDUSTRIES = ("construction", "telecom", "forest", "energy", "automotive", "retail", "shipping", "mining",
              "food", "healthcare")
PLACES = ("Finland", "Sweden", "Estonia", "Poland", "Russia", "China", "India", "Germany", "the Baltic countries",
          "Tampere", "Oulu", "Turku", "Vaasa", "Espoo", "Gothenburg", "Tallinn", "Riga", "St Petersburg", "Lahti")
CUSTOMERS = ("a Chinese utility", "a German carmaker", "a Russian steel group", "the Finnish Defence Forces",
             "a US telecom operator", "a Swedish retailer", "a Norwegian shipyard", "an Indian paper mill",
             "a Polish city", "a Brazilian pulp producer", "a Middle East operator", "a Dutch grocer")
ROLES = ("chief executive", "CFO", "chairman of the board", "head of sales", "President and CEO",
         "director of investor relations", "senior vice president")
PEOPLE = ("Matti", "Liisa", "Jukka", "Anna", "Pekka", "Sari", "Heikki", "Tiina", "Mikko", "Kaisa", "Erik",
          "Ingrid", "Olli", "Hanna")
SURNAMES = ("Virtanen", "Korhonen", "Nieminen", "Makela", "Hamalainen", "Laine", "Heikkinen", "Koskinen",
            "Jarvinen", "Lehtonen", "Berg", "Lindqvist", "Saarinen", "Rantala")
COSTS = ("costs", "fixed costs", "raw material costs", "personnel expenses", "operating expenses", "energy costs")
COST_UP = ("rose", "increased", "grew", "went up", "climbed")
COST_DOWN = ("fell", "decreased", "declined", "went down", "dropped")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# --- labelled sentences: templates per label ---------------------------------------------------

PLAIN_TEMPLATES = {
    "positive": (
        "{co} 's {metric} {up} by {pct} % to EUR {amt} mn in {period} .",
        "In {period} , {metric} {up} to EUR {amt} mn from EUR {amt2} mn .",
        "{Metric} {up} {pct} % year-on-year , {co} said in its interim report .",
        "{co} won an order worth EUR {amt} mn from {customer} .",
        "{co} has been awarded a contract to deliver {product} to {customer} .",
        "{co} signed a {n}-year agreement to supply {product} to {customer} , worth some EUR {amt} mn .",
        "{co} raised its outlook for {year} and now expects {metric} to grow .",
        "{co} 's operating loss narrowed to EUR {amt} mn from a loss of EUR {amt2} mn .",
        "{co} swung to a net profit of EUR {amt} mn in {period} , against a loss a year earlier .",
        "The order backlog of {co} {up} to a record EUR {amt} mn at the end of {period} .",
        "{co} will expand its {product} plant in {place} and hire {n} new employees .",
        "Demand for {product} remained strong , and {co} 's {metric} {up} clearly .",
        "Thanks to lower costs , {co} improved its operating margin to {pct} % .",
        "{co} said it will pay a higher dividend of EUR 0.{n} per share .",
        "Analysts upgraded {co} to buy after the strong {period} result .",
        "{co} 's share price {up} {pct} % on the news .",
        "The acquisition is expected to increase {co} 's {metric} by EUR {amt} mn a year .",
        "{co} beat market expectations as {metric} {up} to EUR {amt} mn .",
        "Although {metric} {down} , {co} 's operating profit {up} to EUR {amt} mn .",
        "{co} 's {cost} {cost_down} by {pct} % in {period} , which lifted its result .",
        "Even with weak markets in {place} , {co} kept its margin and won new customers .",
        "{Metric} at {co} 's unit in {place} {up} by {pct} % in {period} .",
        "{Cost} at {co} 's unit in {place} {cost_down} by {pct} % in {period} .",
    ),
    "negative": (
        "{co} 's {metric} {down} by {pct} % to EUR {amt} mn in {period} .",
        "In {period} , {metric} {down} to EUR {amt} mn from EUR {amt2} mn .",
        "{Metric} {down} {pct} % year-on-year , {co} said in its interim report .",
        "{co} will cut {n} jobs at its {product} unit in {place} .",
        "{co} plans temporary layoffs of up to {n} employees in {place} .",
        "{co} 's operating loss widened to EUR {amt} mn from EUR {amt2} mn .",
        "{co} swung to a net loss of EUR {amt} mn in {period} .",
        "{co} issued a profit warning and now expects {metric} to fall in {year} .",
        "{co} lowered its guidance for {year} because of weak demand for {product} .",
        "{co} will close its {product} plant in {place} , and {n} people will lose their jobs .",
        "{Customer} cancelled an order worth EUR {amt} mn from {co} .",
        "Weak demand for {product} pushed {co} into the red in {period} .",
        "{co} 's share price {down} {pct} % after the results were published .",
        "Higher raw material costs cut {co} 's operating margin to {pct} % .",
        "Analysts downgraded {co} to sell , citing falling margins .",
        "{co} faces a claim of EUR {amt} mn after a dispute with {customer} .",
        "{co} did not pay a dividend for {year} , as its result was a loss .",
        "{co} missed market expectations as {metric} {down} to EUR {amt} mn .",
        "Although {metric} {up} , {co} 's operating profit {down} to EUR {amt} mn .",
        "{co} 's {cost} {cost_up} by {pct} % in {period} , eating into its result .",
        "Despite strong markets in {place} , {co} lost market share to its rivals .",
        "{Metric} at {co} 's unit in {place} {down} by {pct} % in {period} .",
        "{Cost} at {co} 's unit in {place} {cost_up} by {pct} % in {period} .",
    ),
    "neutral": (
        "{co} is a {nation} maker of {product} .",
        "{co} designs and manufactures {product} for the {industry} industry .",
        "The company has some {n}0 employees in {place} .",
        "{co} will publish its interim report for {period} on {month} {day} .",
        "{co} 's {metric} amounted to EUR {amt} mn in {period} .",
        "{person} has been appointed {role} of {co} as of {month} {day} .",
        "The value of the agreement was not disclosed .",
        "The transaction is expected to be completed in {period} .",
        "{co} operates {n} sites in {place} and {place2} .",
        "Financial terms of the deal were not disclosed .",
        "{co} 's shares are listed on the Helsinki stock exchange .",
        "The annual general meeting of {co} will be held in {place} on {month} {day} .",
        "{co} supplies {product} to customers in {place} and {place2} .",
        "According to {person} , the company has no plans to change its strategy .",
        "{co} acquired the {product} business of a {nation} company .",
        "The figures in this release are unaudited .",
        "The new unit in {place} will start production in {period} .",
        "{co} has offices in {n} countries , and its head office is in {place} .",
        "{co} and {co2} will merge their {product} operations in {place} .",
        "The board proposes that a dividend of EUR 0.{n} per share be paid for {year} .",
        "{co} 's {metric} totalled EUR {amt} mn , compared with EUR {amt2} mn a year earlier .",
        "{co} will present its new {product} at a trade fair in {place} in {month} .",
        "Market prices of {product} {up} by {pct} % in {place} in {period} , industry data show .",
        "Demand for {product} in {place} {down} in {period} , according to a market survey .",
        "{co} 's {metric} was flat at EUR {amt} mn in {period} .",
        "{co} 's {cost} were EUR {amt} mn in {period} .",
    ),
}

# Half of the sentences wrap a news clause in a frame that says nothing about its tone ("{co} said on
# Tuesday that ...", "According to ..."): every frame holds clauses of all three labels, so a model has to
# read the clause's cue words (wins, rises, cut, loss, names ...), not recognise a template. The clauses
# carry the cue words the stream's headlines use, in sentence phrasing of their own.
FRAMES = (
    "{co} said on {weekday} that {clause} .",
    "In a release on {weekday} , {co} said {clause} .",
    "According to {co} 's {role} , {clause} .",
    "{co} told investors in {place} that {clause} .",
    "As {clause} , {co} 's shares traded at EUR {amt} .",
    "Industry observers in {place} noted that {clause} .",
)
CLAUSES = {
    "positive": (
        "it wins an order worth EUR {amt} mn from {customer}",
        "the company now wins new customers in {place}",
        "its {metric} rises by {pct} % as demand grows",
        "{metric} rises again in {period}",
        "it raises its outlook for the full year",
        "the full-year outlook is better than before",
        "quarterly {metric} beat the forecasts of analysts",
        "its result for {period} was better than expected , beating forecasts",
        "it swings back into profit after a weak year",
        "it will hire some {n}0 staff in {place}",
        "its shares rise {pct} % on strong demand for {product}",
        "margins have improved in every unit",
        "it posts its best result so far",
        "profit reached a record EUR {amt} mn",
        "it signs a new contract to deliver {product} to {customer}",
        "a long supply deal with {customer} has been agreed",
        "orders for {product} grow quickly",
        "analysts at a {nation} bank upgrade the stock to buy",
        "it wins a {n}-year contract from {customer}",
        "the company wins back a large customer in {place}",
        "its shares rise after the results for {period}",
        "profit rises to EUR {amt} mn in {period}",
        "{metric} is expected to rise in {year}",
        "it swings to a profit of EUR {amt} mn in {period}",
    ),
    "negative": (
        "its {metric} falls by {pct} % because of weak demand",
        "{metric} falls again in {period}",
        "it will cut some {n}0 jobs in {place}",
        "it warns that full-year profit will be lower than planned",
        "the full-year outlook is weaker than before",
        "quarterly {metric} missed the forecasts of analysts",
        "its result for {period} was worse than expected , missing forecasts",
        "it swings into a loss after a strong year",
        "its shares fall {pct} % as demand for {product} stays weak",
        "margins are falling in every unit",
        "it posts its worst result so far",
        "the loss grew to EUR {amt} mn , wider than a year earlier",
        "it closes its {product} plant in {place}",
        "layoffs are planned at the unit in {place}",
        "it loses a large order for {product} to a rival",
        "{customer} has ended a supply deal",
        "orders for {product} dropped sharply",
        "analysts at a {nation} bank downgrade the stock to sell",
        "it swings to a loss of EUR {amt} mn in {period}",
        "its shares fall after the results for {period}",
        "profit falls to EUR {amt} mn in {period}",
        "{metric} is expected to fall in {year}",
        "the loss widens again in {period}",
        "it will close a line at its {place} plant",
    ),
    "neutral": (
        "it will report its results for {period} on {weekday}",
        "it names {person} as chief financial officer",
        "it holds its annual meeting on {month} {day} in {place}",
        "its chief executive will speak at a forum in {place}",
        "it completes the planned move of its headquarters to {place}",
        "it publishes its sustainability report for {year} in {month}",
        "it confirms the date of its capital markets day",
        "it appoints {n} new members to its board",
        "it opens a new sales office in the {place} area",
        "investors will watch closely when it reports on {weekday}",
        "its outlook for the full year is unchanged",
        "{metric} was EUR {amt} mn in {period} , as in the year before",
        "it has no plans to change its dividend policy",
        "the contract with {customer} runs until {year}",
        "its order book is at the same level as a year ago",
        "its shares are traded in {place} and {place2}",
        "the forecasts of analysts for {period} vary widely",
        "its quarterly sales figures will be published on {weekday}",
        "quarterly results for {period} are due on {weekday}",
        "it will present its results at a press conference on {weekday}",
        "{metric} is expected to stay at the level of {year}",
        "its shares were unchanged after the results",
        "the profit figures for {period} include a one-off item",
        "a new chief executive takes over in {month}",
    ),
}
FRAMED_SHARE = 0.5  # share of the sentences drawn as a frame around a clause
# every template a sentence can come from: the plain ones, then each frame around each clause
TEMPLATES = {label: PLAIN_TEMPLATES[label] + tuple(frame.replace("{clause}", clause) for frame in FRAMES
                                                   for clause in CLAUSES[label]) for label in LABELS}

# --- the headline stream: other templates, headline style ---------------------------------------

HEADLINES = {
    "positive": (
        "{co} profit rises {pct} % as sales grow",
        "{co} wins EUR {amt} mn order from {customer}",
        "{co} raises full-year outlook",
        "{co} quarterly sales up {pct} % , beating forecasts",
        "{co} swings to profit in third quarter",
        "{co} to hire {n} staff as orders grow",
        "{co} shares rise after strong results",
        "Analysts upgrade {co} on improved margins",
        "{co} posts record quarterly profit",
        "{co} signs supply contract with {customer}",
    ),
    "negative": (
        "{co} profit falls {pct} % on weak demand",
        "{co} to cut {n} jobs in {place}",
        "{co} warns of lower full-year profit",
        "{co} quarterly sales down {pct} % , missing forecasts",
        "{co} swings to loss in third quarter",
        "{co} shares fall after weak results",
        "Analysts downgrade {co} on falling margins",
        "{co} closes plant in {place} , layoffs planned",
        "{co} loses order from {customer}",
        "{co} posts wider quarterly loss",
    ),
    "neutral": (
        "{co} to report quarterly results on {weekday}",
        "{co} names new chief financial officer",
        "{co} holds annual meeting in {place}",
        "{co} chief executive to speak at industry forum",
        "{co} completes planned move to new headquarters",
        "{co} publishes annual sustainability report",
        "{co} confirms date of capital markets day",
        "{co} appoints {n} new board members",
        "{co} opens sales office in {place}",
        "What to watch as {co} reports this week",
    ),
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
START = dt.date(2023, 1, 2)
DAYS = 540
HEADLINES_PER_DAY = (2, 5)  # per company, inclusive
CALM = {"positive": 0.22, "negative": 0.13, "neutral": 0.65}  # every company's mix outside an episode
EPISODE = {"negative": {"positive": 0.05, "negative": 0.70, "neutral": 0.25},
           "positive": {"positive": 0.70, "negative": 0.03, "neutral": 0.27}}
EPISODE_DAYS = (10, 25)
MIN_GAP_DAYS, MAX_EXTRA_GAP_DAYS = 45, 60  # calm days between episodes: 45 plus up to 60 more


def _value(slot: str, rng: random.Random, names: list[str]) -> str:
    year = rng.choice(("2007", "2008", "2009", "2010", "2011"))
    values = {
        "co": lambda: rng.choice(names), "co2": lambda: rng.choice(names),
        "metric": lambda: rng.choice(METRICS), "Metric": lambda: rng.choice(METRICS).capitalize(),
        "period": lambda: rng.choice(PERIODS).format(year=year), "year": lambda: year,
        "up": lambda: rng.choice(UP), "down": lambda: rng.choice(DOWN), "cost": lambda: rng.choice(COSTS), "Cost": lambda: rng.choice(COSTS).capitalize(),
        "cost_up": lambda: rng.choice(COST_UP), "cost_down": lambda: rng.choice(COST_DOWN),
        "pct": lambda: f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
        "amt": lambda: f"{rng.randint(1, 900)}.{rng.randint(0, 9)}",
        "amt2": lambda: f"{rng.randint(1, 900)}.{rng.randint(0, 9)}",
        "n": lambda: str(rng.randint(2, 95)), "day": lambda: str(rng.randint(1, 28)),
        "product": lambda: rng.choice(PRODUCTS), "industry": lambda: rng.choice(INDUSTRIES),
        "place": lambda: rng.choice(PLACES), "place2": lambda: rng.choice(PLACES),
        "customer": lambda: rng.choice(CUSTOMERS), "Customer": lambda: rng.choice(CUSTOMERS).capitalize(),
        "nation": lambda: rng.choice(NATIONS), "role": lambda: rng.choice(ROLES),
        "person": lambda: f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}", "month": lambda: rng.choice(MONTHS),
        "weekday": lambda: rng.choice(WEEKDAYS),
    }
    return values[slot]()


def _corpus_index(seed: int) -> PhraseIndex:
    """The six-word runs of the pretraining corpus: a sentence holding one is drawn again."""
    return PhraseIndex(" ".join(g) for _, line in corpus.build(seed)[0] for g in ngrams(line, NGRAM))


def build_sentences(seed: int = 0) -> tuple[list[tuple[str, str]], int]:
    """``(sentence, label)`` pairs, unique, none sharing six words with the corpus; and how many were redrawn."""
    rng = random.Random(f"finance:{seed}:sentences")
    names, index = companies(seed), _corpus_index(seed)
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    redrawn = 0
    while len(rows) < SENTENCES:
        label = rng.choices(LABELS, weights=[LABEL_WEIGHTS[x] for x in LABELS])[0]
        template = (rng.choice(FRAMES).replace("{clause}", rng.choice(CLAUSES[label]))
                    if rng.random() < FRAMED_SHARE else rng.choice(PLAIN_TEMPLATES[label]))
        text = fill(template, lambda slot: _value(slot, rng, names))
        if text.lower() in seen:
            continue
        if index.find(text):
            redrawn += 1
            continue
        seen.add(text.lower())
        rows.append((text, label))
    return rows, redrawn


def build_shifts(seed: int = 0) -> list[tuple[str, dt.date, dt.date, str]]:
    """``(company, start, end, direction)`` of every episode; ``end`` is its last day."""
    rng = random.Random(f"finance:{seed}:shifts")
    shifts = []
    for company in STREAM_COMPANIES:
        day = rng.randint(20, 60)
        while True:
            length = rng.randint(*EPISODE_DAYS)
            if day + length >= DAYS:
                break
            direction = rng.choices(("negative", "positive"), weights=(2, 1))[0]
            shifts.append((company, START + dt.timedelta(day), START + dt.timedelta(day + length - 1), direction))
            day += length + MIN_GAP_DAYS + rng.randint(0, MAX_EXTRA_GAP_DAYS)
    return sorted(shifts, key=lambda s: (s[1], s[0]))


def build_stream(seed: int = 0) -> list[tuple[dt.date, str, str, str]]:
    """``(date, company, headline, label)``: the label is the tone the headline was drawn with."""
    rng = random.Random(f"finance:{seed}:stream")
    shifts = build_shifts(seed)
    rows = []
    for d in range(DAYS):
        date = START + dt.timedelta(d)
        for company in STREAM_COMPANIES:
            mix = next((EPISODE[direction] for c, start, end, direction in shifts
                        if c == company and start <= date <= end), CALM)
            for _ in range(rng.randint(*HEADLINES_PER_DAY)):
                label = rng.choices(LABELS, weights=[mix[x] for x in LABELS])[0]
                text = fill(rng.choice(HEADLINES[label]), lambda slot: _value(slot, rng, [company]))
                rows.append((date, company, text, label))
    return rows


def _csv(header: tuple[str, ...], rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``Sentences_AllAgree.txt``, ``stream.csv``, ``shifts.csv`` and ``README.md`` into ``out_dir``."""
    sentences, redrawn = build_sentences(seed)
    stream, shifts = build_stream(seed), build_shifts(seed)
    return [
        write_text(out_dir / "Sentences_AllAgree.txt", "".join(f"{text}@{label}\n" for text, label in sentences)),
        write_text(out_dir / "stream.csv", _csv(("date", "company", "headline"),
                                                ((d.isoformat(), c, h) for d, c, h, _ in stream))),
        write_text(out_dir / "shifts.csv", _csv(("company", "start", "end", "direction"),
                                                ((c, s.isoformat(), e.isoformat(), x) for c, s, e, x in shifts))),
        write_text(out_dir / "README.md", card(sentences, redrawn, stream, shifts, seed)),
    ]


def card(sentences, redrawn: int, stream, shifts, seed: int) -> str:
    """The data-set card, every number computed from the data."""
    counts = Counter(label for _, label in sentences)
    dist = table(["label", "sentences", "share"],
                 [[x, counts[x], f"{counts[x] / len(sentences):.1%}"] for x in LABELS]
                 + [["**total**", len(sentences), "100%"]])
    lengths = [len(text.split()) for text, _ in sentences]
    tones = Counter(label for *_, label in stream)
    per_day = Counter((d, c) for d, c, _, _ in stream)
    shift_rows = [[c, s.isoformat(), e.isoformat(), (e - s).days + 1, x] for c, s, e, x in shifts]
    mixes = table(["news mix", *LABELS], [["calm", *(f"{CALM[x]:.0%}" for x in LABELS)]]
                  + [[f"{k} episode", *(f"{v[x]:.0%}" for x in LABELS)] for k, v in EPISODE.items()])
    n_templates = sum(map(len, TEMPLATES.values()))
    examples = "\n".join(f"- `{label}`: {next(t for t, y in sentences if y == label)}" for label in LABELS)
    headlines = "\n".join(f"- {d} {c}: {h}" for d, c, h, _ in stream[:4])
    return f"""# finance: financial sentences (Financial PhraseBank's layout) and a headline stream

Generated by `datasets/generate.py` (module `datasets.generator.finance`, seed {seed}). Do not edit by hand:
change the generator and run it again.

## What it is

**`Sentences_AllAgree.txt`**: {len(sentences)} sentences from imagined company news, one `sentence@label` per
line (UTF-8), labelled `positive`, `negative` or `neutral` for what they say about the company's prospects,
in the layout of the Financial PhraseBank v1.0 (Malo et al. 2014; its files are `Sentences_50Agree.txt` ...
`Sentences_AllAgree.txt`, named after the share of annotators who agreed). Sentences are {min(lengths)} to
{max(lengths)} words long (mean {sum(lengths) / len(lengths):.1f}). There is no official split: notebook 06 makes a
seeded, stratified 80/10/10 one. `DATA_DIR/finance/` with the real PhraseBank files replaces this file.

{dist}

Examples:

{examples}

**`stream.csv`** (`date,company,headline`): {len(stream)} headlines over {DAYS} days
({START.isoformat()} to {(START + dt.timedelta(DAYS - 1)).isoformat()}) about {len(STREAM_COMPANIES)} companies
({", ".join(STREAM_COMPANIES)}), {min(per_day.values())} to {max(per_day.values())} per company and day.
The tone each headline was drawn with: {", ".join(f"{x} {tones[x]}" for x in LABELS)}. The first ones:

{headlines}

**`shifts.csv`** (`company,start,end,direction`): the {len(shifts)} injected episodes (first and last day),
during which a company's news mix changes:

{mixes}

{table(["company", "start", "end", "days", "direction"], shift_rows)}

## How it is made

The sentences fill {n_templates} templates ({", ".join(f"{len(TEMPLATES[x])} {x}" for x in LABELS)}) with
invented company names ({len(companies(seed))}, stems and endings combined), metrics, periods, amounts,
percentages, verbs of change, products, places and customers; duplicates (case ignored) are dropped.
{sum(map(len, PLAIN_TEMPLATES.values()))} templates are whole sentences; the others put one of {len(FRAMES)} frames that say nothing about
the tone ("... said on Tuesday that ...", "According to ...") around one of {sum(map(len, CLAUSES.values()))} news clauses, and
{FRAMED_SHARE:.0%} of the sentences are drawn that way. Every frame holds clauses of all three labels, so the label is
in the clause's words (*wins*, *rises*, *cut*, *loss*, *names* ...), not in the shape of the sentence; the clauses
carry, in wordings of their own, the cue words of the stream's headlines (a model can only read a cue word it
has seen in training).
Some cues point the other way from their plain words: an operating loss that *narrowed* is good news, falling
costs are good news and rising ones bad news (also when the cost and its verb are words apart, where word pairs
cannot pair them), a rise in a market's prices says nothing about one company, and in
"although A fell, B rose" the second clause decides; a dividend is neutral when it is only proposed.

The headlines come from {sum(map(len, HEADLINES.values()))} other templates, in headline style (present tense,
no final full stop; no run of four words in common with a sentence template), about four companies whose names
never occur in the sentences: a classifier trained on the sentences meets their cue words in other phrasings, and
this phrasing for the first time in the stream. Each day, each company gets
{HEADLINES_PER_DAY[0]} to {HEADLINES_PER_DAY[1]} headlines, each drawn from the news mix of that day. Each company
has episodes of {EPISODE_DAYS[0]} to {EPISODE_DAYS[1]} days over the whole stream, negative twice as often as
positive, {MIN_GAP_DAYS} to {MIN_GAP_DAYS + MAX_EXTRA_GAP_DAYS} calm days apart.

## Leak check

No sentence or headline shares a run of {NGRAM} words (lower case, punctuation ignored) with the pretraining corpus
(`datasets/corpus`): a candidate sentence that did was drawn again ({redrawn} times); `tests/test_finance.py`
checks the files.

## Known limits

- Templated text: far less varied than real news; the labels are exact by construction, where PhraseBank's
  annotators disagreed on about half of its sentences.
- The stream's tone depends only on the episodes; real news also follows earnings calendars and market moves.
"""
