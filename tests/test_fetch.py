"""labkit.course.fetch against a local HTTP server on 127.0.0.1: nothing here reaches beyond this machine.

The server serves tiny files, written here, in each set's own format (never the real sets); the registry is the
real one with its URLs moved to the server and its hashes those of these files.
"""
import hashlib
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from labkit import data
from labkit.course import chapters, fetch
from labkit.course.fetch import REGISTRY, UNPINNED, FetchError, Member, Network, Remote
from labkit.course.runner import execute_notebook, list_notebooks

ROOT = Path(__file__).resolve().parents[1]
FAST = Network(timeout=2.0, retries=1, backoff=0.05)


# --- tiny files in each set's own format -------------------------------------------------------------


def _lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _conll(n: int) -> bytes:
    rows = ["-DOCSTART- -X- -X- O", ""]
    for i in range(n):
        rows += [f"Ada{i} NNP B-NP B-PER", "visits VBZ B-VP O", f"Paris{i} NNP B-NP B-LOC", "with IN B-PP O",
                 "Acme NNP B-NP B-ORG", "Bank NNP I-NP I-ORG", ". . O O", ""]
        if i % 4 == 3:
            rows += ["-DOCSTART- -X- -X- O", ""]
    return _lines(*rows)


INTENTS = ("card_lost", "balance", "transfer")
PHRASES = {"card_lost": "i lost my card {}", "balance": "what is my balance {}", "transfer": "send money to {}"}


def _banking(n: int) -> bytes:
    return _lines("text,category", *(f"{PHRASES[INTENTS[i % 3]].format(i)},{INTENTS[i % 3]}" for i in range(n)))


def _clinc() -> bytes:
    def rows(n, offset=0):
        return [[PHRASES[INTENTS[i % 3]].format(i + offset), INTENTS[i % 3]] for i in range(n)]
    oos = lambda n: [[f"play some jazz {i}", "oos"] for i in range(n)]  # noqa: E731
    return json.dumps({"train": rows(30), "val": rows(6, 100), "test": rows(6, 200),
                       "oos_train": oos(5), "oos_val": oos(2), "oos_test": oos(2)}).encode()


def _spert(n: int) -> bytes:
    return json.dumps([{"tokens": ["Ada", f"Lopez{i}", "works", "for", "Acme", "."],
                        "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 4, "end": 5}],
                        "relations": [{"type": "Work_For", "head": 0, "tail": 1}], "orig_id": i} for i in range(n)]).encode()


def _phrasebank(n: int) -> bytes:  # Latin-1, as the original release
    labels = ("positive", "negative", "neutral")
    return "\r\n".join(f"Caf\u00e9 Oy's sales rose {i} %@{labels[i % 3]}" for i in range(n)).encode("latin-1")


def _movielens() -> dict[str, bytes]:
    genres = "|".join("1" if g == 5 else "0" for g in range(19))
    films = (f"{i}|Film {i} (1995)|01-Jan-1995||http://x|{genres}" for i in (1, 2, 3))
    return {"ml-100k/u.data": _lines(*(f"{u}\t{i}\t{1 + (u + i) % 5}\t88125{u}{i}" for u in (1, 2, 3) for i in (1, 2, 3))),
            "ml-100k/u.item": "\n".join(films).encode("latin-1"),
            "ml-100k/u.user": _lines(*(f"{u}|24|M|technician|85711" for u in (1, 2, 3)))}


def fixtures() -> dict[str, dict[str, bytes]]:
    """For each registry file: its name (the URL's last part) -> the bytes served, per set."""
    wiki = _lines(" = Valkyria Chronicles = ", "", " The game was released in 2011 . It sold well . ",
                  " = = Gameplay = = ", " The player moves units on a map of the battlefield . ")
    return {
        "banking77": {"train.csv": _banking(40), "test.csv": _banking(12)},
        "clinc150": {"data_full.json": _clinc()},
        "conll2003": {"train.txt": _conll(12), "valid.txt": _conll(4), "test.txt": _conll(4)},
        "wikitext2": {"train.txt": wiki * 3, "valid.txt": wiki, "test.txt": wiki},
        "sst2": {name: _lines(*(f"a {'fine' if i % 2 else 'dull'} film number {i}\t{i % 2}" for i in range(n)))
                 for name, n in (("train.tsv", 20), ("dev.tsv", 6), ("test.tsv", 6))},
        "financial_phrasebank": {"FinancialPhraseBank-v1.0.zip": _zip({
            "FinancialPhraseBank-v1.0/Sentences_50Agree.txt": _phrasebank(30),
            "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt": _phrasebank(20),
            "FinancialPhraseBank-v1.0/README.txt": b"license notes"})},
        "movielens_100k": {"ml-100k.zip": _zip(_movielens())},
        "conll04": {"conll04_train.json": _spert(12), "conll04_dev.json": _spert(3), "conll04_test.json": _spert(3)},
    }


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def local_registry(base: str, files: dict[str, dict[str, bytes]]) -> dict[str, fetch.DataSet]:
    """The real registry, each URL moved to ``base``, each pinned hash (and size) replaced by this file's own."""
    def moved(remote: Remote, content: bytes) -> Remote:
        members = ()
        if remote.members:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                members = tuple(replace(m, sha256=m.sha256 if m.sha256 == UNPINNED else _sha(zf.read(m.name)),
                                        size=len(zf.read(m.name))) for m in remote.members)
        return replace(remote, url=f"{base}{urlsplit(remote.url).path}", members=members,
                       sha256=remote.sha256 if remote.sha256 == UNPINNED else _sha(content), size=len(content))
    return {name: replace(ds, files=tuple(moved(r, files[name][r.filename]) for r in ds.files))
            for name, ds in REGISTRY.items()}


# --- the local server --------------------------------------------------------------------------------


class Server:
    """Serves ``files`` (URL path -> bytes) on 127.0.0.1 and counts the requests per path. ``slow``: paths sent in
    pieces over about a second; ``truncate``: paths whose body stops halfway; ``fail_first[path]``: how many 503s
    come before the file."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: Counter = Counter()
        self.slow: set[str] = set()
        self.truncate: set[str] = set()
        self.fail_first: Counter = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.requests[self.path] += 1
                if server.fail_first[self.path] > 0:
                    server.fail_first[self.path] -= 1
                    self.send_error(503, "busy")
                    return
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in server.truncate:
                    self.wfile.write(body[:len(body) // 2])
                    self.close_connection = True
                    return
                pieces = 10 if self.path in server.slow else 1
                step = -(-len(body) // pieces)
                for k in range(0, len(body), step):
                    self.wfile.write(body[k:k + step])
                    self.wfile.flush()
                    if pieces > 1:
                        time.sleep(0.1)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def serve(self, registry: dict[str, fetch.DataSet], files: dict[str, dict[str, bytes]]) -> None:
        for name, ds in registry.items():
            for remote in ds.files:
                self.files[urlsplit(remote.url).path] = files[name][remote.filename]

    def path(self, registry, name: str, index: int = 0) -> str:
        return urlsplit(registry[name].files[index].url).path


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A kit home of this test's own (the cache and the 'real' folder)."""
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LABKIT_REGISTRY", raising=False)
    return tmp_path / "home"


@pytest.fixture
def served(home):
    """``(server, registry)``: every set's tiny files served locally, and the registry that points at them."""
    server = Server()
    registry = local_registry(server.base, fixtures())
    server.serve(registry, fixtures())
    yield server, registry
    server.httpd.shutdown()
    server.httpd.server_close()


def _cache_files(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "downloads").rglob("*") if p.is_file() and p.name != ".lock")


# --- good files --------------------------------------------------------------------------------------


def test_every_set_is_laid_out_and_read_by_the_kits_readers(served, tmp_path, capsys):
    server, registry = served
    out = fetch.fetch([n for n in registry if n != "sst2"], tmp_path / "data", registry=registry, network=FAST)
    assert out == tmp_path / "data"
    intents, ner = data.load_intents(out, seed=0), data.load_ner(out, seed=0)
    assert (len(intents["train"]) + len(intents["valid"]), len(intents["test"])) == (40, 12)
    assert set(intents["test"].labels) == set(INTENTS)
    assert [len(ner[s]) for s in data.SPLITS] == [12, 4, 4] and ner["test"][0].tags[:3] == ["B-PER", "O", "B-LOC"]
    assert data.load_corpus(out)[0] == "= Valkyria Chronicles ="
    assert len(data.load_service(out)["test"]) == 8
    finance = data.load_finance(out, seed=0)
    assert sorted(finance) == ["Sentences_50Agree.txt", "Sentences_AllAgree.txt"]
    assert sum(len(split) for split in finance["Sentences_50Agree.txt"].values()) == 30
    assert not (out / "finance" / "README.txt").exists()  # only the registry's members are taken
    ratings = data.load_movielens(out)
    assert (ratings.n_users, ratings.n_items, len(ratings.ratings)) == (3, 3, 9)
    kg = data.load_kg(out, seed=0)
    assert len(kg["valid"]) == 3 and kg["test"][0].triples() == [((0, 2, "Peop"), "Work_For", (4, 5, "Org"))]
    printed = capsys.readouterr().out
    assert "licence: CC BY-NC-SA 3.0" in printed and "please cite Malo et al." in printed
    assert "trust on first use" in printed and "FinancialPhraseBank-v1.0.zip" in printed

    sst = fetch.fetch("sst2", tmp_path / "sst", registry=registry, network=FAST)
    sentiment = data.load_intents(sst, seed=0)
    assert [len(sentiment[s]) for s in data.SPLITS] == [20, 6, 6] and set(sentiment["test"].labels) == {"0", "1"}


def test_a_second_fetch_uses_the_cache_and_no_network(served, tmp_path, capsys):
    server, registry = served
    fetch.fetch(["banking77", "movielens_100k"], tmp_path / "a", registry=registry, network=FAST)
    asked = sum(server.requests.values())
    assert asked == 3
    capsys.readouterr()
    fetch.fetch(["banking77", "movielens_100k"], tmp_path / "b", registry=registry, network=FAST)
    assert sum(server.requests.values()) == asked
    assert "licence" not in capsys.readouterr().out  # printed on the first download only
    assert data.load_movielens(tmp_path / "b").n_users == 3


def test_an_unpinned_file_must_match_the_hash_recorded_on_first_use(served, home, tmp_path):
    server, registry = served
    fetch.fetch("conll04", tmp_path / "a", registry=registry, network=FAST)
    cached = home / "downloads" / "conll04" / "conll04_train.json"
    assert (home / "downloads" / "conll04" / "conll04_train.json.sha256").read_text().strip() == fetch.sha256_of(cached)
    cached.write_bytes(b"[]")  # a changed copy: deleted and downloaded again
    fetch.fetch("conll04", tmp_path / "a", registry=registry, network=FAST)
    assert server.requests[server.path(registry, "conll04")] == 2
    assert len(data.load_kg(tmp_path / "a")["test"]) == 3


def test_a_folder_holding_another_set_is_not_overwritten(served, tmp_path):
    server, registry = served
    fetch.fetch("banking77", tmp_path / "d", registry=registry, network=FAST)
    with pytest.raises(ValueError, match="holds the files of banking77"):
        fetch.fetch("sst2", tmp_path / "d", registry=registry, network=FAST)
    with pytest.raises(ValueError, match="unknown data set.*'imdb'"):
        fetch.fetch("imdb", registry=registry)
    with pytest.raises(ValueError, match=r"sst2 is not what DATA_DIR='real' reads in intents/ \(banking77\)"):
        fetch.fetch("sst2", registry=registry)  # into the folder DATA_DIR = "real" reads


# --- bad files and bad networks ------------------------------------------------------------------------


def test_a_wrong_checksum_names_the_file_and_leaves_nothing_in_the_cache(served, home):
    server, registry = served
    good = registry["clinc150"].files[0]
    bad = {"clinc150": replace(registry["clinc150"], files=(replace(good, sha256="0" * 64),))}
    with pytest.raises(FetchError) as error:
        fetch.fetch("clinc150", registry=bad, network=FAST)
    message = str(error.value)
    assert "data_full.json" in message and "0" * 64 in message and _sha(fixtures()["clinc150"]["data_full.json"]) in message
    assert _cache_files(home) == []
    assert server.requests[server.path(registry, "clinc150")] == 1  # a wrong checksum is not tried again


def test_a_truncated_body_is_tried_again_then_fails_clearly(served, home):
    server, registry = served
    server.truncate.add(server.path(registry, "clinc150"))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"data_full.json: the body stopped after \d+ of its 1,\d+ bytes; gave up "
                                         r"after 2 tries"):
        fetch.fetch("clinc150", registry=registry, network=FAST)
    assert time.monotonic() - start < 5
    assert server.requests[server.path(registry, "clinc150")] == 2 and _cache_files(home) == []


def test_a_5xx_is_tried_again_with_back_off(served, tmp_path):
    server, registry = served
    server.fail_first[server.path(registry, "clinc150")] = 2
    fetch.fetch("clinc150", tmp_path / "d", registry=registry, network=Network(timeout=2, retries=2, backoff=0.05))
    assert server.requests[server.path(registry, "clinc150")] == 3
    assert len(data.load_service(tmp_path / "d")["train"]) == 35


def test_a_404_fails_at_once(served):
    server, registry = served
    del server.files[server.path(registry, "clinc150")]
    with pytest.raises(FetchError, match=r"data_full.json: HTTP 404"):
        fetch.fetch("clinc150", registry=registry, network=FAST)
    assert server.requests[server.path(registry, "clinc150")] == 1


def _moved(registry, name: str, base: str) -> dict:
    ds = registry[name]
    return {name: replace(ds, files=tuple(replace(r, url=base + urlsplit(r.url).path) for r in ds.files))}


def test_a_server_that_never_answers_fails_within_the_timeout(served):
    server, registry = served
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections complete, and nobody ever answers
    try:
        start = time.monotonic()
        with pytest.raises(FetchError, match="no answer within 1 s"):
            fetch.fetch("banking77", registry=_moved(registry, "banking77", f"http://127.0.0.1:{silent.getsockname()[1]}"),
                        network=Network(timeout=1, retries=3, backoff=1))
        assert time.monotonic() - start < 3  # no answer is not a transient failure: no retries
    finally:
        silent.close()


def test_offline_one_message_within_seconds_saying_how_to_lay_out_by_hand(served, home):
    server, registry = served
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    moved = _moved(registry, "banking77", f"http://127.0.0.1:{port}")
    start = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch.fetch("banking77", registry=moved, network=Network(timeout=5, retries=3, backoff=1))
    assert time.monotonic() - start < 2
    message = str(error.value)
    assert moved["banking77"].files[0].url in message and "refused" in message.lower()
    assert "-> DATA_DIR/intents/train.csv" in message and str(home / "downloads" / "banking77") in message


@pytest.mark.parametrize("member", ["../x", "absolute"])
def test_an_archive_with_an_escaping_member_is_refused(served, tmp_path, home, member):
    if member == "absolute":  # an absolute path inside this test's own folder
        member = str(tmp_path / "abs-x")
    server, registry = served
    files = fixtures()
    with zipfile.ZipFile(io.BytesIO(files["movielens_100k"]["ml-100k.zip"])) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    server.files[server.path(registry, "movielens_100k")] = _zip({**members, member: b"escaped"})
    with pytest.raises(FetchError, match=re.escape(f"member {member!r} is an absolute path or climbs out")):
        fetch.fetch("movielens_100k", tmp_path / "data" / "deep", registry=registry, network=FAST)
    assert not (tmp_path / "data" / "x").exists() and not Path(member).exists()
    assert not (tmp_path / "data" / "deep" / "movielens" / "u.data").exists()
    assert _cache_files(home) == []  # the refused archive is deleted


def test_an_archive_over_the_size_cap_is_refused(served, tmp_path, monkeypatch):
    server, registry = served
    monkeypatch.setattr(fetch, "MAX_EXTRACTED_BYTES", 100)
    with pytest.raises(FetchError, match=r"would unpack to \d+ bytes, over the cap of 100;"):
        fetch.fetch("movielens_100k", tmp_path / "d", registry=registry, network=FAST)


# stands in for `labkit fetch` in a second process: the labkit package without its __init__ (which loads TensorFlow,
# needed by none of this), the registry from LABKIT_REGISTRY, and a start line so that both fetch at once
RACER = """
import sys, time, types
from pathlib import Path
package = types.ModuleType("labkit")
package.__path__ = [sys.argv[1]]
sys.modules["labkit"] = package
from labkit.course.fetch import fetch
ready, start = Path(sys.argv[3]), Path(sys.argv[4])
ready.touch()
while not start.exists():
    time.sleep(0.01)
fetch("clinc150", sys.argv[2])
"""


def test_two_processes_fetching_at_once_end_with_one_good_copy(served, tmp_path, home, monkeypatch):
    server, registry = served
    path = server.path(registry, "clinc150")
    server.slow.add(path)  # the first download takes about a second: the second process must wait for it
    (tmp_path / "registry.json").write_text(fetch.registry_json(registry))
    monkeypatch.setenv("LABKIT_REGISTRY", str(tmp_path / "registry.json"))
    start = tmp_path / "start"
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(ROOT / "labkit"), str(tmp_path / "data"),
                                str(tmp_path / f"ready{k}"), str(start)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for k in range(2)]
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"ready{k}").exists() for k in range(2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    start.touch()
    outputs = [racer.communicate(timeout=30)[0] for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    assert server.requests[path] == 1
    assert _cache_files(home) == ["data_full.json"]
    laid_out = tmp_path / "data" / "service" / "data_full.json"
    assert laid_out.read_bytes() == fixtures()["clinc150"]["data_full.json"]
    assert [p.name for p in laid_out.parent.iterdir() if ".part" in p.name] == []


# --- the real registry -----------------------------------------------------------------------------------


TARGETS = {"corpus": r"corpus/[^/]+\.txt", "intents": r"intents/(train|valid|test)\.(csv|tsv)",
           "ner": r"ner/(train|valid|test)\.txt", "service": r"service/data_full\.json",
           "finance": r"finance/Sentences_[^/]+\.txt", "movielens": r"movielens/u\.(data|item|user)",
           "kg": r"kg/(train|valid|test)\.json"}  # what labkit.data's readers read in each folder


def _pin_ok(sha: str) -> bool:
    return sha == UNPINNED or re.fullmatch(r"[0-9a-f]{64}", sha) is not None


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_real_registry_entry_is_complete(name):
    ds = REGISTRY[name]
    assert ds.name == name and ds.folder in data.DATASETS and set(TARGETS) == set(data.DATASETS)
    assert ds.description and ds.licence and ds.citation and ds.files
    assert len({r.filename for r in ds.files}) == len(ds.files), "one cache name per file"
    targets = []
    for remote in ds.files:
        assert remote.url.startswith("https://"), remote.url
        if "raw.githubusercontent.com" in remote.url:
            assert re.search(r"/[0-9a-f]{40}/", remote.url), f"pin {remote.url} to a commit"
        assert _pin_ok(remote.sha256) and (remote.size is None or remote.size > 0)
        assert bool(remote.target) != bool(remote.members), "a file lands, or its members do"
        assert all(remote.url.endswith(".zip") for _ in remote.members)
        for m in remote.members:
            assert _pin_ok(m.sha256) and not fetch._unsafe(m.name) and (m.size is None or m.size > 0)
        targets += [target for _, target in remote.landings()]
    assert all(re.fullmatch(TARGETS[ds.folder], t) for t in targets), targets
    assert len(set(targets)) == len(targets)
    assert bool(ds.unpinned()) == any(r.sha256 == UNPINNED for r in ds.files)


def test_the_issue_pins_are_the_registrys():
    assert REGISTRY["clinc150"].files[0].sha256.startswith("36923c37")
    assert REGISTRY["financial_phrasebank"].files[0].members[0].sha256.startswith("13388b8b")
    assert REGISTRY["wikitext2"].unpinned() == ["train.txt"]
    assert REGISTRY["financial_phrasebank"].licence.startswith("CC BY-NC-SA 3.0")
    assert isinstance(REGISTRY["movielens_100k"].files[0].members[0], Member)


def test_the_registry_round_trips_through_json(tmp_path):
    (tmp_path / "r.json").write_text(fetch.registry_json(REGISTRY))
    assert fetch.load_registry(tmp_path / "r.json") == REGISTRY
    (tmp_path / "bad.json").write_text('{"x": {"files": []}}')
    with pytest.raises(ValueError, match="is not a registry"):
        fetch.load_registry(tmp_path / "bad.json")


LOADERS = {"load_corpus": "corpus", "load_intents": "intents", "load_ner": "ner", "load_service": "service",
           "load_finance": "finance", "load_stream": "finance", "load_movielens": "movielens", "load_kg": "kg"}


@pytest.mark.parametrize("path", list_notebooks(ROOT / "notebooks"), ids=lambda p: p.stem)
def test_real_fetches_the_folders_each_notebook_reads(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    read = {folder for loader, folder in LOADERS.items() if re.search(rf"\b{loader}\(", source)}
    assert set(chapters.module(path.stem).DATA_FOLDERS) == read
    assert all(REGISTRY[fetch.REAL_SETS[folder]].folder == folder for folder in read)


def test_the_list_names_every_set_and_its_unpinned_files(home):
    listing = fetch.describe()
    assert all(name in listing for name in REGISTRY)
    assert "unpinned (trust on first use): conll04_train.json" in listing


# --- a notebook with DATA_DIR = "real", against the local server -------------------------------------------------


@pytest.mark.notebook
@pytest.mark.instructor
def test_notebook_00_runs_on_real_data_fetched_from_the_local_server(served, home, tmp_path, monkeypatch):
    server, registry = served
    (tmp_path / "registry.json").write_text(fetch.registry_json(registry))
    monkeypatch.setenv("LABKIT_REGISTRY", str(tmp_path / "registry.json"))  # the kernel inherits the environment
    notebook = ROOT / "notebooks" / "00_setup_and_tour.ipynb"
    out = execute_notebook(notebook, tmp_path / "run" / notebook.stem, "ci", 42, "real").parent
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["intents_train_examples"] == 36 and metrics["ner_train_sentences"] >= 9  # 40 and 12 less valid
    assert sorted(p.name for p in (home / "real").iterdir()) == ["corpus", "intents", "ner"]
    assert sum(server.requests.values()) == 8  # banking77 2 files, conll2003 3, wikitext2 3


def test_the_command_lists_fetches_and_reports_errors(served, home, tmp_path, capsys, monkeypatch):
    from labkit.course import cli

    server, registry = served
    assert cli.main(["fetch", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in REGISTRY)
    assert cli.main(["fetch"]) == 2
    assert cli.main(["fetch", "imdb"]) == 1 and "unknown data set(s) ['imdb']" in capsys.readouterr().err
    (tmp_path / "registry.json").write_text(fetch.registry_json(registry))
    monkeypatch.setenv("LABKIT_REGISTRY", str(tmp_path / "registry.json"))
    assert cli.main(["fetch", "clinc150"]) == 0
    assert f"ready: DATA_DIR={str(home / 'real')!r}" in capsys.readouterr().out
    assert fetch.is_real("real") and fetch.is_real(home / "real")
    assert not fetch.is_real(tmp_path) and not fetch.is_real(None)
