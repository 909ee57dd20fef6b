"""Real data sets by name: download, check, cache and lay out in the ``DATA_DIR`` layout the readers expect.

    labkit fetch banking77 conll2003 [--to DIR]     # the command
    fetch(["banking77", "conll2003"], to=DIR)       # the same from Python
    DATA_DIR = "real"                               # in a notebook: fetch what it reads, then read it

Each set of :data:`REGISTRY` lists its files: a URL pinned to a commit or an official archive, the SHA-256 of
its bytes and its size where known (an unknown hash is marked :data:`UNPINNED`: the hash seen on the first
download is recorded and later copies must match it, *trust on first use*), the members taken from a zip
archive, where each lands under ``DATA_DIR``, a licence line and a citation.

Downloads go to ``<kit home>/downloads/<set>/`` (:func:`labkit.course.paths.kit_home`, ``$LABKIT_HOME``): into a
temporary file, checked, then renamed, so the cache never holds half a file; a lock file lets two processes
fetch the same set at once and end with one good copy. A set already in the cache needs no network.
``$LABKIT_REGISTRY`` names a JSON file that replaces the registry (a classroom mirror; the tests' local server).
"""
from __future__ import annotations

import fcntl
import hashlib
import http.client
import json
import os
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from labkit.course.paths import kit_home

UNPINNED = "unpinned"  # no SHA-256 known in advance: trust on first use
REAL = "real"  # DATA_DIR = "real": the real sets, fetched into real_dir()
MAX_EXTRACTED_BYTES = 512 * 2**20  # an archive whose members would unpack to more is refused (a zip bomb)
CHUNK = 2**16
OWNER_FILE = ".labkit-set"  # in each laid-out folder: the set that filled it


@dataclass(frozen=True)
class Member:
    """A file taken out of a zip archive: its path in the archive, where it lands under ``DATA_DIR``, and its
    SHA-256 and size when known."""

    name: str
    target: str
    sha256: str = UNPINNED
    size: int | None = None


@dataclass(frozen=True)
class Remote:
    """One file to download: its URL, SHA-256 (or :data:`UNPINNED`), size in bytes when known, and either where it
    lands under ``DATA_DIR`` (``target``) or, for a zip archive, the members taken from it."""

    url: str
    sha256: str = UNPINNED
    size: int | None = None
    target: str | None = None
    members: tuple[Member, ...] = ()

    @property
    def filename(self) -> str:
        """Its name in the cache: the last part of the URL."""
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    def landings(self) -> list[tuple[str, str]]:
        """``(what to take, where it lands)`` pairs: the file itself, or each member of the archive."""
        if self.target:
            return [(self.url, self.target)]
        return [(f"{self.url}, member {m.name}", m.target) for m in self.members]


@dataclass(frozen=True)
class DataSet:
    """A real data set: the ``DATA_DIR`` folder it fills (a key of :data:`labkit.data.DATASETS`), its files, and
    the licence and citation printed on its first download."""

    name: str
    folder: str
    description: str
    licence: str
    citation: str
    files: tuple[Remote, ...] = field(default_factory=tuple)

    def unpinned(self) -> list[str]:
        """The files whose SHA-256 the registry does not know (trusted on first use)."""
        return [r.filename for r in self.files if r.sha256 == UNPINNED]


@dataclass(frozen=True)
class Network:
    """How downloads treat the network: ``timeout`` seconds of silence end a connection or a read; a transient
    failure (a reset mid-transfer, a truncated body, a 5xx answer) is tried again up to ``retries`` times after
    waiting ``backoff`` seconds, doubled each time (2 + 4 + 8 + 16 = 30 s with the defaults). Anything else (no
    address, no route, a refused connection, no answer, a 404, a wrong checksum) fails at once."""

    timeout: float = 15.0
    retries: int = 4
    backoff: float = 2.0


class FetchError(RuntimeError):
    """A download failed or its bytes are not the registry's; the message says which file, why, and what to do."""


class _Transient(Exception):
    """A failure worth another try (the connection dropped mid-transfer, the server answered 5xx)."""


class _Unreachable(Exception):
    """The host cannot be reached at all: no address, no route, refused, no answer within the timeout."""


_GH = "https://raw.githubusercontent.com"
_BANKING = f"{_GH}/PolyAI-LDN/task-specific-datasets/57ec275d8078af65b7731c2a98be812d844a6d6b/banking_data"
_CONLL = f"{_GH}/kamalkraj/BERT-NER/e5be564156f194f1becb0d82aeaf6e762d9eb9ed/data"
_SST2 = f"{_GH}/clairett/pytorch-sentiment-classification/457ffd83de90a9d6d472d8ffc31bbffe40a8b236/data/SST2"
_WIKI = f"{_GH}/pytorch/examples/77f55b912142e11fcfdf5b530231fb9c52f181e8/word_language_model/data/wikitext-2"
_CONLL04 = "https://lavis.cs.hs-rm.de/storage/spert/public/datasets/conll04"

REGISTRY: dict[str, DataSet] = {s.name: s for s in [
    DataSet(
        "banking77", "intents", "Banking77: 13,083 online-banking requests in 77 intents (official train/test)",
        "CC BY 4.0",
        "Casanueva et al. (2020), Efficient Intent Detection with Dual Sentence Encoders, NLP4ConvAI",
        (Remote(f"{_BANKING}/train.csv", "b06e26ac675513959a63135f11b94ea7786ed02da65db93a5650d8838cbc664b",
                839_073, "intents/train.csv"),
         Remote(f"{_BANKING}/test.csv", "d12d6e3bc4c3103966ae786dc435913c0c563dfa328f5a3646d0e62cfeeb474d",
                239_961, "intents/test.csv"))),
    DataSet(
        "clinc150", "service", "CLINC150: 150 intents in 10 domains, with out-of-scope requests (data_full.json)",
        "CC BY 3.0",
        "Larson et al. (2019), An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction, "
        "EMNLP-IJCNLP",
        (Remote(f"{_GH}/clinc/oos-eval/828f8093932c8fe6ca7936c3d2e52903b1c523de/data/data_full.json",
                "36923c3705a59e08fe9c3883d8bc2dd966ef93e22cb78ac41171782a698d56e0", 2_495_390,
                "service/data_full.json"),)),
    DataSet(
        "conll2003", "ner", "CoNLL-2003 English NER: Reuters news tagged PER, ORG, LOC, MISC (train/valid/test)",
        "Reuters RCV1 texts (Reuters' research agreement) with the CoNLL-2003 shared task's annotations: "
        "research and teaching use",
        "Tjong Kim Sang and De Meulder (2003), Introduction to the CoNLL-2003 Shared Task: "
        "Language-Independent Named Entity Recognition, CoNLL",
        (Remote(f"{_CONLL}/train.txt", "213953b5522fb7924802d883e50f027b2c6ffb5d4d0e63368ed82909f9b60423",
                3_283_420, "ner/train.txt"),
         Remote(f"{_CONLL}/valid.txt", "c02eb19809eafb83998326a0481942eb37d96f31826ae387cfe8773699969f5b",
                827_443, "ner/valid.txt"),
         Remote(f"{_CONLL}/test.txt", "dc4ac7f3d6d01a6bec59261814561da3b287b6b493b97d1f69c580b52ec1831b",
                748_095, "ner/test.txt"))),
    DataSet(
        "wikitext2", "corpus", "WikiText-2: Wikipedia's good and featured articles, word-level, as pretraining text",
        "CC BY-SA 3.0 (Wikipedia's text)",
        "Merity et al. (2017), Pointer Sentinel Mixture Models, ICLR",
        (Remote(f"{_WIKI}/train.txt", UNPINNED, None, "corpus/wikitext2_train.txt"),
         Remote(f"{_WIKI}/valid.txt", "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
                1_121_681, "corpus/wikitext2_valid.txt"),
         Remote(f"{_WIKI}/test.txt", "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
                1_256_449, "corpus/wikitext2_test.txt"))),
    DataSet(
        "sst2", "intents", "SST-2: movie-review sentences labelled 0 (negative) or 1 (positive), labelled test split",
        "no licence stated by its authors (Stanford Sentiment Treebank): research use, cite the paper",
        "Socher et al. (2013), Recursive Deep Models for Semantic Compositionality Over a Sentiment Treebank, EMNLP",
        (Remote(f"{_SST2}/train.tsv", "ec192f833a64da08f475488a77b0d0b47db47acd0f458bd18433fc793b569920", None,
                "intents/train.tsv"),
         Remote(f"{_SST2}/dev.tsv", "eddea6b39e601dd4e7a672b53cc40fdf6019fa80522f351206c24340ca5d9359", None,
                "intents/valid.tsv"),
         Remote(f"{_SST2}/test.tsv", "831169c7e2e429d6026e1bdbb542f33b636e3e596caad9602ebc953c205928b7", None,
                "intents/test.tsv"))),
    DataSet(
        "financial_phrasebank", "finance",
        "Financial PhraseBank v1.0: 4,846 news sentences, sentiment by 50 % agreement and by all annotators",
        "CC BY-NC-SA 3.0 (non-commercial, share alike)",
        "Malo et al. (2014), Good Debt or Bad Debt: Detecting Semantic Orientations in Economic Texts, JASIST",
        # `main` is a moving name (no revision could be pinned here): the archive is trusted on first use
        (Remote("https://huggingface.co/datasets/takala/financial_phrasebank/resolve/main/data/"
                "FinancialPhraseBank-v1.0.zip", UNPINNED, None, None,
                (Member("FinancialPhraseBank-v1.0/Sentences_50Agree.txt", "finance/Sentences_50Agree.txt",
                        "13388b8bf2f878c68fb4d47564fa0072756eb4e9ba4a16467d6d7f0a29a6a742", 666_509),
                 Member("FinancialPhraseBank-v1.0/Sentences_AllAgree.txt", "finance/Sentences_AllAgree.txt"))),)),
    DataSet(
        "movielens_100k", "movielens", "MovieLens 100K: 100,000 ratings (1-5) by 943 users of 1,682 films",
        "GroupLens' terms: research use, no commercial use, no redistribution (the kit never ships these files)",
        "Harper and Konstan (2015), The MovieLens Datasets: History and Context, ACM TiiS 5(4)",
        (Remote("https://files.grouplens.org/datasets/movielens/ml-100k.zip", UNPINNED, None, None,
                (Member("ml-100k/u.data", "movielens/u.data",
                        "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490", 1_979_173),
                 Member("ml-100k/u.item", "movielens/u.item",
                        "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701", 236_344),
                 Member("ml-100k/u.user", "movielens/u.user",
                        "f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c", 22_628))),)),
    DataSet(
        "conll04", "kg", "CoNLL04: news sentences with entities and relations, in SpERT's JSON (train/dev/test)",
        "no licence stated by its authors: research use, cite the papers",
        "Roth and Yih (2004), A Linear Programming Formulation for Global Inference in Natural Language Tasks, "
        "CoNLL; SpERT's JSON: Eberts and Ulges (2020), Span-based Joint Entity and Relation Extraction with "
        "Transformer Pre-training, ECAI",
        (Remote(f"{_CONLL04}/conll04_train.json", UNPINNED, None, "kg/train.json"),
         Remote(f"{_CONLL04}/conll04_dev.json", UNPINNED, None, "kg/valid.json"),
         Remote(f"{_CONLL04}/conll04_test.json", UNPINNED, None, "kg/test.json"))),
]}

# DATA_DIR = "real": the real set read for each folder, and the folders each notebook reads (01 also reads the
# tasks' training texts, for its in-domain step). 02 and later take 01's encoder, and run 01 when it is missing:
# that run fetches 01's sets itself (its DATA_DIR is real_dir(), which counts as "real").
REAL_SETS = {"corpus": "wikitext2", "intents": "banking77", "ner": "conll2003", "service": "clinc150",
             "finance": "financial_phrasebank", "movielens": "movielens_100k", "kg": "conll04"}
# --- the registry ------------------------------------------------------------------------------------


def load_registry(path: str | Path | None = None) -> dict[str, DataSet]:
    """The registry: :data:`REGISTRY`, or the JSON file at ``path`` (default ``$LABKIT_REGISTRY``) that replaces
    it, written as :func:`registry_json` writes one (a mirror of the sets, or the tests' local server)."""
    path = path or os.environ.get("LABKIT_REGISTRY")
    if not path:
        return REGISTRY
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
        return {name: DataSet(**{**entry, "files": tuple(
            Remote(**{**remote, "members": tuple(Member(**m) for m in remote.get("members", ()))})
            for remote in entry["files"])}) for name, entry in content.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"registry file {path} (LABKIT_REGISTRY) is not a registry: {error}") from None


def registry_json(registry: dict[str, DataSet]) -> str:
    """``registry`` as JSON, what :func:`load_registry` reads back."""
    return json.dumps({name: asdict(ds) for name, ds in registry.items()}, indent=2)


def describe(registry: dict[str, DataSet] | None = None) -> str:
    """One paragraph per set: name, folder, description, size, licence, citation, unpinned files, cached or not."""
    registry = registry or load_registry()
    blocks = []
    for ds in registry.values():
        sizes = [m.size for r in ds.files for m in r.members] + [r.size for r in ds.files if r.target]
        size = f"{sum(sizes) / 1e6:.1f} MB" if all(sizes) else "size not known"
        cached = all((downloads_dir() / ds.name / r.filename).is_file() for r in ds.files)
        lines = [f"{ds.name:<21} -> {ds.folder}/  {ds.description} ({size}{', cached' if cached else ''})",
                 f"{'':21}    licence: {ds.licence}", f"{'':21}    cite: {ds.citation}"]
        if ds.unpinned():
            lines.append(f"{'':21}    unpinned (trust on first use): {', '.join(ds.unpinned())}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


# --- fetching --------------------------------------------------------------------------------------


def downloads_dir() -> Path:
    """The download cache: ``<kit home>/downloads``, one folder per set."""
    return kit_home() / "downloads"


def real_dir() -> Path:
    """The ``DATA_DIR`` that ``DATA_DIR = "real"`` reads: ``<kit home>/real``, where fetched sets are laid out."""
    return kit_home() / REAL


def is_real(data_dir: str | os.PathLike | None) -> bool:
    """Whether ``data_dir`` asks for the real sets: ``"real"``, or :func:`real_dir` itself (what a notebook passes
    to the earlier notebook it runs for a missing artifact)."""
    if not data_dir:
        return False
    return str(data_dir) == REAL or Path(data_dir).expanduser().resolve() == real_dir().resolve()


def fetch(names: str | Iterable[str], to: str | os.PathLike | None = None, *,
          registry: dict[str, DataSet] | None = None, network: Network | None = None) -> Path:
    """Download the named sets (or take them from the cache), check their SHA-256, and lay them out under ``to``
    (default :func:`real_dir`, what ``DATA_DIR = "real"`` reads). Returns that folder, ready as ``DATA_DIR``.

    Raises :class:`FetchError` when a file cannot be had (offline: the message says how to lay it out by hand)
    or its bytes are wrong, and ``ValueError`` for an unknown name or a folder that holds another set."""
    registry = registry if registry is not None else load_registry()
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in registry]
    if unknown or not names:
        raise ValueError(f"names: unknown data set(s) {unknown or 'none given'}; known: {', '.join(registry)}")
    folder = real_dir() if not to or str(to) == REAL else Path(to).expanduser()
    if is_real(folder):  # each folder of real_dir() holds the one set DATA_DIR = "real" reads there
        other = [n for n in names if REAL_SETS.get(registry[n].folder) != n]
        if other:
            raise ValueError(f"to: {other[0]} is not what DATA_DIR='real' reads in {registry[other[0]].folder}/ "
                             f"({REAL_SETS.get(registry[other[0]].folder)}); fetch it into a folder of your own "
                             "(--to DIR, or to=...) and use that folder as DATA_DIR")
    for name in dict.fromkeys(names):
        _fetch_set(registry[name], folder, network or Network())
    return folder


def fetch_for_notebook(notebook: str, registry: dict[str, DataSet] | None = None) -> Path:
    """``DATA_DIR = "real"`` for ``notebook`` (``"02_fine_tuning"`` or ``"02"``): fetch the real sets of the folders
    it reads (its chapter module's ``DATA_FOLDERS``) into :func:`real_dir`, and return that folder."""
    from labkit.course import chapters

    folders = chapters.module(notebook).DATA_FOLDERS
    if not folders:
        print(f"labkit: notebook {notebook[:2]} reads no data set; DATA_DIR='real' fetches nothing for it")
        real_dir().mkdir(parents=True, exist_ok=True)
        return real_dir()
    return fetch([REAL_SETS[f] for f in folders], real_dir(), registry=registry)


def _fetch_set(ds: DataSet, folder: Path, network: Network) -> None:
    cache = downloads_dir() / ds.name
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / ".lock"):  # a second process waits here, then finds the files in the cache
        _claim(folder / ds.folder, ds.name)
        downloaded = False
        for remote in ds.files:
            path = cache / remote.filename
            if not _cached(path, remote.sha256):
                try:
                    _download(remote, path, network)
                except _Unreachable as error:
                    raise FetchError(_by_hand(ds, remote.url, str(error))) from None
                downloaded = True
            if remote.target:
                _install(path, folder / remote.target)
            else:
                _extract(path, remote.members, folder)
    targets = [target for remote in ds.files for _, target in remote.landings()]
    print(f"{ds.name}: {', '.join(targets)} in {folder}")
    if downloaded:
        print(f"{ds.name}: licence: {ds.licence}\n{ds.name}: please cite {ds.citation}")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _claim(folder: Path, name: str) -> None:
    """Mark ``folder`` as filled by set ``name``; refuse one holding another set's files or files of the user's."""
    owner_file = folder / OWNER_FILE
    owner = owner_file.read_text().strip() if owner_file.is_file() else None
    others = [p.name for p in folder.iterdir() if p.name != OWNER_FILE] if folder.is_dir() else []
    if owner not in (None, name) and others:
        raise ValueError(f"to: {folder} holds the files of {owner}, and {name} lands in the same folder; "
                         f"fetch {name} into another folder (--to DIR, or to=...)")
    if owner is None and others:
        raise ValueError(f"to: {folder} holds files labkit did not fetch ({', '.join(sorted(others)[:3])}); "
                         f"fetch {name} into another folder (--to DIR, or to=...), or move them away")
    folder.mkdir(parents=True, exist_ok=True)
    owner_file.write_text(name + "\n")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _recorded_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _trust(path: Path, digest: str) -> None:
    _recorded_path(path).write_text(digest + "\n")
    print(f"trust on first use: the registry pins no SHA-256 for {path.name}; recorded {digest} in "
          f"{_recorded_path(path)}, and later copies must match it")


def _cached(path: Path, pin: str) -> bool:
    """Whether the cache holds a good copy of ``path``; a copy that fails its check is deleted."""
    if not path.is_file():
        return False
    recorded = _recorded_path(path)
    expected = pin if pin != UNPINNED else (recorded.read_text().strip() if recorded.is_file() else None)
    got = sha256_of(path)
    if expected is None:  # put in the cache by hand, with no hash known: trusted as a download would be
        _trust(path, got)
        return True
    if got == expected:
        return True
    print(f"{path}: the cached copy's SHA-256 is {got}, expected {expected}: deleted, downloading it again")
    path.unlink()
    return False


def _download(remote: Remote, path: Path, network: Network) -> None:
    """Download ``remote`` to ``path``, trying again after transient failures with a doubling wait."""
    for attempt in range(network.retries + 1):
        try:
            _download_once(remote, path, network)
            return
        except _Transient as error:
            if attempt == network.retries:
                raise FetchError(f"could not download {remote.url}: {error}; gave up after {attempt + 1} tries "
                                 "(the server or the connection keeps failing: try again later)") from None
            wait = network.backoff * 2**attempt
            print(f"{remote.url}: {error}; trying again in {wait:g} s")
            time.sleep(wait)


def _download_once(remote: Remote, path: Path, network: Network) -> None:
    from tqdm.auto import tqdm

    part = path.with_name(f"{path.name}.part{os.getpid()}")
    try:
        response = _open(remote.url, network)
        with response, part.open("wb") as out:
            length = response.headers.get("Content-Length")
            expected_length = int(length) if length else None
            digest, received = hashlib.sha256(), 0
            with tqdm(total=expected_length or remote.size, unit="B", unit_scale=True, desc=path.name,
                      mininterval=0.5) as bar:
                while True:
                    try:
                        chunk = response.read(CHUNK)
                    except (ConnectionError, http.client.IncompleteRead, TimeoutError) as error:
                        raise _Transient(f"the connection broke after {received:,} bytes ({error})") from None
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if expected_length is not None and received != expected_length:
            raise _Transient(f"the body stopped after {received:,} of its {expected_length:,} bytes")
        got = digest.hexdigest()
        if remote.sha256 != UNPINNED and got != remote.sha256:
            raise FetchError(f"checksum mismatch for {path.name} ({remote.url}): expected SHA-256 {remote.sha256}, "
                             f"received {got}; the partial file is deleted and nothing is cached")
        os.replace(part, path)  # atomic: the cache holds the whole checked file or nothing
        if remote.sha256 == UNPINNED:
            _trust(path, got)
    finally:
        part.unlink(missing_ok=True)


def _open(url: str, network: Network) -> http.client.HTTPResponse:
    """The server's answer to a GET of ``url``; raises _Transient for a 5xx or a reset, _Unreachable when the
    host cannot be reached, FetchError for any other refusal (a 404...)."""
    request = urllib.request.Request(url, headers={"User-Agent": "labkit-fetch"})
    try:
        return urllib.request.urlopen(request, timeout=network.timeout)
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise _Transient(f"the server answered HTTP {error.code} ({error.reason})") from None
        raise FetchError(f"could not download {url}: HTTP {error.code} ({error.reason}); the file is not at "
                         "this address (has it moved? the registry is labkit/course/fetch.py)") from None
    except OSError as error:  # URLError too: DNS, refused, no route, timeouts
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, ConnectionResetError):  # http.client.RemoteDisconnected included
            raise _Transient(f"the connection was reset ({reason})") from None
        if isinstance(reason, TimeoutError):
            reason = f"no answer within {network.timeout:g} s"
        elif isinstance(reason, socket.gaierror):
            reason = f"no address for {urllib.parse.urlsplit(url).hostname} ({reason.strerror})"
        raise _Unreachable(f"{reason}") from None


def _by_hand(ds: DataSet, url: str, why: str) -> str:
    files = "\n".join(f"  {remote.url}" for remote in ds.files)
    layout = "\n".join(f"  {what}\n    -> DATA_DIR/{target}" for remote in ds.files for what, target in remote.landings())
    return (f"could not download {ds.name} from {url}: {why}. Offline, or the host is unreachable?\n"
            f"Without the network: download these on a machine that has one,\n{files}\n"
            f"and put them in {downloads_dir() / ds.name}/ (labkit checks them there and lays them out); "
            f"or lay them out yourself in a folder of your own and set DATA_DIR to it:\n{layout}")


def _install(source: Path, target: Path) -> None:
    """Copy a cached file to its place under DATA_DIR, through a temporary file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.part{os.getpid()}")
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


def _unsafe(name: str) -> bool:
    """An archive member name that would land outside the folder it is extracted to."""
    name = name.replace("\\", "/")
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in PurePosixPath(name).parts


def _extract(archive: Path, members: tuple[Member, ...], folder: Path) -> None:
    """Take ``members`` out of the zip ``archive`` into ``folder``, checking names, sizes and pinned hashes.

    An archive with any absolute or ``..`` member, or whose members would unpack to more than
    :data:`MAX_EXTRACTED_BYTES`, is refused (and deleted from the cache) before anything is written."""
    def refuse(why: str) -> FetchError:
        archive.unlink(missing_ok=True)
        _recorded_path(archive).unlink(missing_ok=True)
        return FetchError(f"{archive.name}: {why}; the archive is refused and deleted from the cache, "
                          "nothing was laid out")

    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise refuse(f"not a zip archive ({error})") from None
    parts: dict[Path, Path] = {}  # temporary file -> its target; renamed only once every member checks out
    try:
        with zf:
            bad = [info.filename for info in zf.infolist() if _unsafe(info.filename)]
            if bad:
                raise refuse(f"member {bad[0]!r} is an absolute path or climbs out with '..'")
            missing = [m.name for m in members if m.name not in zf.NameToInfo]
            if missing:
                raise refuse(f"member(s) {missing} missing (it holds {zf.namelist()[:5]}...)")
            total = sum(zf.getinfo(m.name).file_size for m in members)
            if total > MAX_EXTRACTED_BYTES:
                raise refuse(f"its members would unpack to {total:,} bytes, over the cap of {MAX_EXTRACTED_BYTES:,}")
            for m in members:
                target = folder / m.target
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_name(f"{target.name}.part{os.getpid()}")
                parts[part] = target
                # zipfile stops at the size a member declares and checks its CRC, so the cap above holds
                with zf.open(m.name) as src, part.open("wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
                got = sha256_of(part)
                if m.sha256 != UNPINNED and got != m.sha256:
                    raise refuse(f"checksum mismatch for its member {m.name}: expected SHA-256 {m.sha256}, "
                                 f"received {got}")
        for part, target in parts.items():
            os.replace(part, target)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
