"""The recommendation set: ``movielens/`` in MovieLens-100k's own layout, from users with known tastes.

- ``u.data``: ``user<TAB>item<TAB>rating<TAB>timestamp`` per line (ratings 1 to 5, Unix seconds);
- ``u.item``: ``id|title|release date|video release date|IMDb URL|`` then 19 genre flags (0/1), as
  MovieLens writes it (the URL field is left empty: the films are invented);
- ``u.user``: ``id|age|gender|occupation|zip``;
- ``descriptions.tsv``: ``item<TAB>description``, one invented sentence or two per film (MovieLens has none).

How the ratings are made: every film has one to three genres and a quality; every user has a taste for
each genre (a few loved genres, a few disliked ones) and a leniency. A user picks films to watch with a
probability that grows with the film's popularity and the user's taste for its genres, and rates each one
``2.4 + leniency + quality + 2 · taste·genres + noise``, rounded and clipped to 1..5. Timestamps grow along each
user's history. No title or description shares a run of six words with the pretraining corpus.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

from . import corpus
from .lexicon import NGRAM, PhraseIndex, ngrams, table, write_text

GENRES = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
          "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western")
USERS = 300
ITEMS = 400
MEAN_WATCHED = 45  # films a user rates, on average
WATCH_TASTE = 4.0  # how strongly taste (rather than popularity) decides what a user watches
RATE_BASE, RATE_TASTE = 2.4, 2.0  # a rating is RATE_BASE + leniency + quality + RATE_TASTE * affinity + noise
START = 880_000_000  # Unix seconds, late 1997 like MovieLens-100k
# how common each genre is among the films (MovieLens-100k's shares, roughly); "unknown" never drawn
GENRE_WEIGHTS = {"Action": 14, "Adventure": 8, "Animation": 2, "Children's": 7, "Comedy": 30, "Crime": 6,
                 "Documentary": 3, "Drama": 40, "Fantasy": 1.5, "Film-Noir": 1.5, "Horror": 5, "Musical": 3,
                 "Mystery": 3.5, "Romance": 14, "Sci-Fi": 6, "Thriller": 15, "War": 4, "Western": 1.5}
OCCUPATIONS = ("administrator", "artist", "educator", "engineer", "entertainment", "executive", "healthcare",
               "homemaker", "lawyer", "librarian", "marketing", "other", "programmer", "retired", "salesman",
               "scientist", "student", "technician", "writer")

# --- invented titles and descriptions: words that hint at the genre ------------------------------

TITLE_WORDS = {
    "Action": ("Fury", "Strike", "Velocity", "Bullet", "Breakpoint", "Ironclad", "Firefight", "Rampage"),
    "Adventure": ("Voyage", "Expedition", "Lost Canyon", "Treasure", "Horizon", "Wild Coast", "Summit"),
    "Animation": ("Doodle", "Paper Moon", "Pixel", "Cartoon Kingdom", "Clay Friends", "Sketchbook"),
    "Children's": ("Puppy", "Treehouse", "Little Dragon", "Playground", "Teddy", "Kite"),
    "Comedy": ("Oops", "Mix-Up", "Wedding Crash", "Road Trip", "Bad Neighbours", "Big Mistake", "Hiccup"),
    "Crime": ("Heist", "Racket", "Hustle", "Stakeout", "Ransom", "Cartel", "Getaway"),
    "Documentary": ("Portrait", "Inside the", "Chronicle", "Field Notes", "Witness", "True Story"),
    "Drama": ("Letters", "Homecoming", "Silence", "Long Winter", "Inheritance", "Distance", "Promise"),
    "Fantasy": ("Sorcerer", "Enchanted", "Dragon Crown", "Spellbound", "Elf Queen"),
    "Film-Noir": ("Shadow", "Nightfall", "Smoke", "Rainy Street", "Double Cross"),
    "Horror": ("Haunting", "Cellar", "Nightmare", "Bloodline", "Whisper", "Crypt"),
    "Musical": ("Melody", "Song", "Rhythm", "Broadway", "Dance Hall"),
    "Mystery": ("Riddle", "Clue", "Vanishing", "Locked Room", "Secret"),
    "Romance": ("Love", "Sweetheart", "Kiss", "Heartstrings", "Moonlight", "Valentine"),
    "Sci-Fi": ("Galaxy", "Android", "Orbit", "Starship", "Quantum", "Mars", "Time Loop"),
    "Thriller": ("Pursuit", "Deadline", "Paranoia", "Trap", "Countdown", "Blackout"),
    "War": ("Battalion", "Trenches", "Frontline", "Sergeant", "Siege"),
    "Western": ("Outlaw", "Sheriff", "Prairie", "Six-Gun", "Dust Town"),
}
PLOT = {
    "Action": "a stubborn bodyguard fights through explosions and car chases",
    "Adventure": "a crew of explorers crosses jungles and mountains in search of a lost map",
    "Animation": "hand-drawn animals sing and bicker in a colourful animated world",
    "Children's": "two kids and a talking dog learn to share during a school holiday",
    "Comedy": "a clumsy groom causes one hilarious disaster after another",
    "Crime": "a gang of thieves plans one last bank robbery while the detectives close in",
    "Documentary": "real people talk to the camera about a year on a fishing island",
    "Drama": "a grieving family slowly learns to talk to each other again",
    "Fantasy": "a young witch must break a curse cast by an ancient dragon",
    "Film-Noir": "a weary private eye is trapped by a femme fatale in a city of rain and neon",
    "Horror": "a group of friends is hunted by something terrible in an abandoned house",
    "Musical": "a small town stages a song-and-dance show to save its theatre",
    "Mystery": "an amateur sleuth follows clues to a murder in a locked library",
    "Romance": "two strangers fall in love over one summer by the sea",
    "Sci-Fi": "astronauts discover an alien signal on a distant space station",
    "Thriller": "a witness races against the clock to stop a killer",
    "War": "soldiers hold a bridge under heavy fire in the last days of the war",
    "Western": "a lone gunslinger rides into a frontier town ruled by cattle barons",
}
OPENERS = ("In this film,", "The story:", "Here", "A tale in which", "We follow as")
CLOSERS = ("", " Critics were divided.", " A cult favourite.", " Shot on a modest budget.",
           " Told with great warmth.", " Fast paced and loud.", " Slow but rewarding.")
ADJECTIVES = ("Silent", "Crimson", "Last", "Golden", "Broken", "Hidden", "Northern", "Endless", "Electric",
              "Quiet", "Savage", "Little", "Midnight", "Second", "Velvet", "Frozen")


def _genres(rng: random.Random) -> list[str]:
    names, weights = list(GENRE_WEIGHTS), list(GENRE_WEIGHTS.values())
    k = rng.choices((1, 2, 3), (0.45, 0.4, 0.15))[0]
    chosen: list[str] = []
    while len(chosen) < k:
        g = rng.choices(names, weights)[0]
        if g not in chosen:
            chosen.append(g)
    return sorted(chosen, key=GENRES.index)


def _corpus_index(seed: int) -> PhraseIndex:
    return PhraseIndex(" ".join(g) for _, line in corpus.build(seed)[0] for g in ngrams(line, NGRAM))


def build_items(seed: int) -> tuple[list[dict], int]:
    """Films: id, title, year, genres, quality, popularity, description; and how many texts were redrawn."""
    rng = random.Random(f"movielens:{seed}:items")
    index = _corpus_index(seed)
    items, titles, redrawn = [], set(), 0
    while len(items) < ITEMS:
        genres = _genres(rng)
        main = rng.choice(genres)
        year = rng.randint(1930, 1998)
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(TITLE_WORDS[main])}"
        if rng.random() < 0.3:
            title += f" {rng.choice(('II', 'Returns', 'Forever', 'at Dawn', 'Again'))}"
        plots = "; meanwhile ".join(PLOT[g] for g in genres)
        description = f"{rng.choice(OPENERS)} {plots}.{rng.choice(CLOSERS)}"
        full_title = f"{title} ({year})"
        if full_title in titles or index.find(title) or index.find(description):
            redrawn += 1
            continue
        titles.add(full_title)
        items.append({"id": len(items) + 1, "title": full_title, "year": year, "genres": genres,
                      "quality": rng.gauss(0, 0.45), "popularity": rng.lognormvariate(0, 1.0),
                      "description": description})
    return items, redrawn


def build_users(seed: int) -> list[dict]:
    """Users: id, age, gender, occupation, zip, taste per genre, leniency, activity."""
    rng = random.Random(f"movielens:{seed}:users")
    users = []
    for uid in range(1, USERS + 1):
        taste = {g: rng.gauss(0, 0.25) for g in GENRES[1:]}
        for g in rng.sample(GENRES[1:], 3):  # loved genres
            taste[g] += rng.uniform(0.8, 1.4)
        for g in rng.sample(GENRES[1:], 3):  # disliked genres
            taste[g] -= rng.uniform(0.8, 1.4)
        users.append({"id": uid, "age": rng.randint(15, 70), "gender": rng.choice("MMF"),
                      "occupation": rng.choice(OCCUPATIONS), "zip": f"{rng.randint(1000, 99999):05d}",
                      "taste": taste, "leniency": rng.gauss(0.3, 0.4),
                      "activity": min(200, max(20, int(rng.lognormvariate(math.log(MEAN_WATCHED) - 0.2, 0.6))))})
    return users


def affinity(user: dict, item: dict) -> float:
    """The user's known taste for the film's genres (their mean)."""
    return sum(user["taste"][g] for g in item["genres"]) / len(item["genres"])


def build_ratings(seed: int, users: list[dict], items: list[dict]) -> list[tuple[int, int, int, int]]:
    """``(user, item, rating, timestamp)`` rows, in the order users watched them."""
    rng = random.Random(f"movielens:{seed}:ratings")
    rows = []
    for user in users:
        weights = [item["popularity"] * math.exp(WATCH_TASTE * affinity(user, item)) for item in items]
        seen: set[int] = set()
        n = min(user["activity"], ITEMS // 2)
        while len(seen) < n:
            seen.add(rng.choices(range(ITEMS), weights)[0])
        order = sorted(seen, key=lambda _: rng.random())
        t = START + rng.randint(0, 150 * 86400)
        for i in order:
            item = items[i]
            score = RATE_BASE + user["leniency"] + item["quality"] + RATE_TASTE * affinity(user, item) + rng.gauss(0, 0.6)
            rows.append((user["id"], item["id"], min(5, max(1, round(score))), t))
            t += rng.randint(60, 3 * 86400)
    return rows


def write(out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``u.data``, ``u.item``, ``u.user``, ``descriptions.tsv`` and ``README.md`` into ``out_dir``."""
    items, redrawn = build_items(seed)
    users = build_users(seed)
    ratings = build_ratings(seed, users, items)
    item_lines = "".join(f"{it['id']}|{it['title']}|01-Jan-{it['year']}|||"
                         + "|".join("1" if g in it["genres"] else "0" for g in GENRES) + "\n" for it in items)
    return [
        write_text(out_dir / "u.data", "".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in ratings)),
        write_text(out_dir / "u.item", item_lines),
        write_text(out_dir / "u.user", "".join(f"{u['id']}|{u['age']}|{u['gender']}|{u['occupation']}|{u['zip']}\n"
                                               for u in users)),
        write_text(out_dir / "descriptions.tsv", "".join(f"{it['id']}\t{it['description']}\n" for it in items)),
        write_text(out_dir / "README.md", card(users, items, ratings, redrawn, seed)),
    ]


def card(users, items, ratings, redrawn: int, seed: int) -> str:
    """The data-set card, every number computed from the data."""
    stars = Counter(r for _, _, r, _ in ratings)
    dist = table(["rating", "count", "share"], [[s, stars[s], f"{stars[s] / len(ratings):.1%}"] for s in range(1, 6)])
    per_user = Counter(u for u, *_ in ratings)
    genre_counts = Counter(g for it in items for g in it["genres"])
    genres = ", ".join(f"{g} {genre_counts[g]}" for g in GENRES if genre_counts[g])
    examples = "\n".join(f"- {it['title']} ({', '.join(it['genres'])}): {it['description']}" for it in items[:3])
    return f"""# movielens: ratings in MovieLens-100k's layout, from users with known tastes

Generated by `datasets/generate.py` (module `datasets.generator.movielens`, seed {seed}). Do not edit by hand:
change the generator and run it again. Notebook 07 reads it; `DATA_DIR/movielens/` with MovieLens-100k's own
`u.data`, `u.item` and `u.user` replaces it (then there are no descriptions: the item text is title and genres).

## What it is

{len(users)} users, {len(items)} invented films, {len(ratings)} ratings ({min(per_user.values())} to
{max(per_user.values())} per user, mean {len(ratings) / len(users):.1f}); density
{len(ratings) / (len(users) * len(items)):.1%} (MovieLens-100k's: 6.3 %).

- `u.data`: `user<TAB>item<TAB>rating<TAB>timestamp` (Unix seconds, growing along each user's history);
- `u.item`: `id|title|release date|video release date|IMDb URL|` and 19 genre flags in MovieLens's order
  ({", ".join(GENRES)}); the two last text fields are empty;
- `u.user`: `id|age|gender|occupation|zip`;
- `descriptions.tsv`: `item<TAB>description` (MovieLens has no descriptions).

{dist}

Films per genre (a film has one to three): {genres}.

Examples:

{examples}

## How the tastes are made

Each user has a taste for every genre (Gaussian, sd 0.25), raised by 0.8 to 1.4 for three loved genres and
lowered as much for three disliked ones, a leniency (Gaussian, mean 0.3, sd 0.4) and an activity (how many
films they rate, log-normal, 20 to 200). Each film has a quality (Gaussian, sd 0.45) and a popularity
(log-normal). A user's affinity for a film is their mean taste over its genres. A user watches distinct films
drawn with weights popularity × exp({WATCH_TASTE} · affinity), in a random order, and rates each one
{RATE_BASE} + leniency + quality + {RATE_TASTE} · affinity + noise (Gaussian, sd 0.6), rounded and clipped to 1..5. So both
*what* a user rates (implicit feedback) and *how* (explicit ratings) follow the genre tastes.

No split and no cold-start items are fixed here: notebook 07 draws them with its seed (`labkit.recommend`).

Titles and descriptions are invented from genre word lists; none shares a run of {NGRAM} words (lower case,
punctuation ignored) with the pretraining corpus (`datasets/corpus`): a film whose text did was drawn again
({redrawn} times); `tests/test_recommend.py` checks it.
"""
