"""Ratings (``movielens/``, notebook 07): MovieLens-100k's ``u.data``, ``u.item`` and ``u.user`` (``|``- and
tab-separated, Latin-1), with an optional ``descriptions.tsv``, read into :class:`Ratings`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.data.common import DataFormatError, dataset_folder, require_file

MOVIELENS_GENRES = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
                    "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                    "War", "Western")


@dataclass
class Ratings:
    """MovieLens ratings with users and items numbered 0..n-1 (``user_ids[u]``, ``item_ids[i]``: the file's ids).

    ``users``, ``items``, ``ratings``, ``timestamps`` are parallel arrays, one entry per rating; ``genres`` is an
    ``(items, 19)`` 0/1 array in :data:`MOVIELENS_GENRES` order; ``descriptions[i]`` is ``""`` without a
    ``descriptions.tsv``."""

    users: "np.ndarray"
    items: "np.ndarray"
    ratings: "np.ndarray"
    timestamps: "np.ndarray"
    user_ids: list[int]
    item_ids: list[int]
    titles: list[str]
    genres: "np.ndarray"
    descriptions: list[str]

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def item_text(self, i: int) -> str:
        """What a text encoder reads about item ``i``: title, genres and (when there is one) the description."""
        names = ", ".join(g for g, flag in zip(MOVIELENS_GENRES, self.genres[i]) if flag)
        return f"{self.titles[i]}. {names}. {self.descriptions[i]}".strip()


def _int(path: Path, lineno: int, text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DataFormatError(f"{path}, line {lineno}: {what} {text!r} is not a whole number") from None


def read_movielens_items(path: str | Path) -> tuple[list[int], list[str], list[list[int]]]:
    """``u.item`` (``|``-separated, Latin-1): ids, titles and the 19 genre flags of every film."""
    path = Path(path)
    require_file(path)
    ids, titles, flags = [], [], []
    for lineno, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) != 5 + len(MOVIELENS_GENRES):
            raise DataFormatError(f"{path}, line {lineno}: expected {5 + len(MOVIELENS_GENRES)} '|'-separated "
                                  "fields (id, title, release date, video release date, URL, 19 genre flags), "
                                  f"got {len(fields)}")
        row = fields[5:]
        if any(f not in ("0", "1") for f in row):
            raise DataFormatError(f"{path}, line {lineno}: genre flags must be 0 or 1, got {row}")
        ids.append(_int(path, lineno, fields[0], "item id"))
        titles.append(fields[1].strip())
        flags.append([int(f) for f in row])
    if not ids:
        raise DataFormatError(f"{path}: no items found")
    if len(set(ids)) != len(ids):
        raise DataFormatError(f"{path}: an item id occurs twice")
    return ids, titles, flags


def read_movielens_ratings(path: str | Path, known_items: set[int],
                           known_users: set[int] | None = None) -> list[tuple[int, int, int, int]]:
    """``u.data`` (``user<TAB>item<TAB>rating<TAB>timestamp``) as ``(user, item, rating, timestamp)`` rows, every
    rating 1..5 and every item (and user, when ``known_users`` is given) present in ``u.item`` (``u.user``)."""
    path = Path(path)
    require_file(path)
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 4:
            raise DataFormatError(f"{path}, line {lineno}: expected 4 tab-separated fields "
                                  f"(user, item, rating, timestamp), got {len(fields)}: {line!r}")
        user, item, rating, stamp = (_int(path, lineno, f, w) for f, w in
                                     zip(fields, ("user id", "item id", "rating", "timestamp")))
        if not 1 <= rating <= 5:
            raise DataFormatError(f"{path}, line {lineno}: rating {rating} is outside 1..5")
        if item not in known_items:
            raise DataFormatError(f"{path}, line {lineno}: item {item} is not in u.item")
        if known_users is not None and user not in known_users:
            raise DataFormatError(f"{path}, line {lineno}: user {user} is not in u.user")
        rows.append((user, item, rating, stamp))
    if not rows:
        raise DataFormatError(f"{path}: no ratings found")
    return rows


def load_movielens(data_dir: str | Path | None = None) -> Ratings:
    """``movielens/``: MovieLens-100k's ``u.data``, ``u.item`` and ``u.user`` (the bundled set, or the real one
    under ``DATA_DIR``), with ``descriptions.tsv`` (``item<TAB>text``) when there is one. Users are those who
    rated something; items are every film of ``u.item``."""
    import numpy as np

    folder = dataset_folder(data_dir, "movielens")
    item_ids, titles, flags = read_movielens_items(folder / "u.item")
    user_path = folder / "u.user"
    known_users = None
    if user_path.is_file():
        known_users = set()
        for lineno, line in enumerate(user_path.read_text(encoding="latin-1").splitlines(), start=1):
            if line.strip():
                fields = line.split("|")
                if len(fields) != 5:
                    raise DataFormatError(f"{user_path}, line {lineno}: expected 5 '|'-separated fields "
                                          f"(id, age, gender, occupation, zip), got {len(fields)}")
                known_users.add(_int(user_path, lineno, fields[0], "user id"))
    rows = read_movielens_ratings(folder / "u.data", set(item_ids), known_users)
    descriptions = dict.fromkeys(item_ids, "")
    desc_path = folder / "descriptions.tsv"
    if desc_path.is_file():
        for lineno, line in enumerate(desc_path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                item, sep, text = line.partition("\t")
                if not sep or _int(desc_path, lineno, item, "item id") not in descriptions:
                    raise DataFormatError(f"{desc_path}, line {lineno}: expected 'item<TAB>description' for an item "
                                          f"of u.item, got {line[:60]!r}")
                descriptions[int(item)] = text.strip()
    user_ids = sorted({u for u, *_ in rows})
    user_index, item_index = {u: k for k, u in enumerate(user_ids)}, {i: k for k, i in enumerate(item_ids)}
    data = np.array(rows, dtype=np.int64)
    return Ratings(users=np.array([user_index[u] for u in data[:, 0]]),
                   items=np.array([item_index[i] for i in data[:, 1]]),
                   ratings=data[:, 2].astype(np.float32), timestamps=data[:, 3], user_ids=user_ids,
                   item_ids=item_ids, titles=titles, genres=np.array(flags, dtype=np.float32),
                   descriptions=[descriptions[i] for i in item_ids])
