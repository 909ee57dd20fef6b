"""The widget panels in a real JupyterLab, driven in Chromium: each answers what a person types, and shows typed
markup as text.

Needs Debian's Chromium and Playwright (``bash scripts/browser_setup.sh``); runs alone, with
``pytest --browser tests/test_browser.py``. Each panel notebook runs in the browser under ci up to its panel, with
``OUTPUT_DIR`` beside the copy the notebook tests executed, so the artifacts it needs are there and only its own cells
run. With ``LABKIT_TEST_RUN_DIR`` set, the copies an earlier session (the main suite) executed are reused; else the
notebooks are executed first. Screenshots of each panel go to ``$LABKIT_TEST_RUN_DIR/browser`` (else a temporary
folder) and their paths are printed.
"""
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from labkit import ch04, ch05, data
from labkit.course.runner import INTERACTIVE_TAG, kernel_name, list_notebooks, select

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright drives it, and downloads no browser of its own
# headless and offline: without background networking off, Chromium hangs on refused connections; every host but
# localhost is unresolvable, so a page that links to the web (the Colab badge) fails at once instead of waiting
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
START_SECONDS = 120  # JupyterLab answering, a kernel starting
RUN_SECONDS = 900  # a notebook's cells up to its panel, ci profile: about a minute alone, far more on a loaded machine
ANSWER_SECONDS = 120  # one answer of a panel (LIME with the ci profile's samples: a second or two)

# typed into every panel: it must show as text, never run. Short, because notebook 09's ci model reads 32 tokens in
# all (this is 29 of them); the image's onerror would run even where HTML is set with innerHTML
MARKUP = "<script>lk=1</script><b>x</b>"
IMAGE = '<img src=x onerror="lk=2">'
GUESSES = r"\S+ [01]\.\d\d(, \S+ [01]\.\d\d){4}"  # one line of notebook 01's box: five tokens and probabilities


@dataclass
class Panel:
    """One notebook's panel: the text box a person types into, where the answer shows, what it must look like."""

    number: str
    box: str  # the text box's description
    answer: str  # a CSS selector, inside the panel's cell, of the element that shows the answer
    request: str  # what a person types
    expected: str  # a regular expression the answer's text must match in full
    markup_request: str  # a request holding MARKUP
    markup_expected: str  # the answer to it, MARKUP and all shown as text
    scores_words: bool = False  # the answer shows each word of the request in a span with its score (LIME)
    tokens_box: str = ""  # a slider whose readout sets how many tokens to generate: set to 2 before MARKUP


def one_of(names):
    """A regular expression matching any one of ``names``."""
    return "(" + "|".join(re.escape(n) for n in sorted(names)) + ")"


def panels():
    """The notebooks' panels, each with a request and the answer it must get (intents and labels: the kit's own)."""
    intents = one_of(set(data.load_intents(None, 42)["train"].labels))
    service_intents = one_of(set(data.load_service(None)["train"].labels))
    sentiments = one_of(data.PHRASEBANK_LABELS)
    request, card = "please cancel the transfer I made yesterday", f"my card was lost {IMAGE}{MARKUP}"
    headline, headline_markup = "Shares of Northwind plunge after a profit warning", f"Shares plunge {IMAGE}{MARKUP}"
    prompt = "Customer: my card was declined"
    goal = "walk over to the azure orb"
    trace = lambda request: rf"request: {re.escape(request)}\nskill: .+\narguments: .+\noutcome: \S+\nanswer: .+"  # noqa: E731
    return [
        # the top five tokens for each [MASK]: one line per blank
        Panel("01", "sentence", ".widget-output", "I lost my debit [MASK] on the train, please [MASK] it.",
              rf"{GUESSES}\n{GUESSES}", f"My card was [MASK] {IMAGE}{MARKUP}", GUESSES),
        # the predicted intent and its probability, then the sentence with each word shaded by LIME
        Panel("04", "sentence:", ".widget-output", request, rf"{intents} \(\d+%\): {re.escape(request)}",
              card, rf"{intents} \(\d+%\): {re.escape(card)}", scores_words=True),
        # the request, the intent it was read as, and the action the learned router takes
        Panel("05", "request:", ".widget-html", "my card still hasn't arrived",
              rf"request: my card still hasn't arrived\nintent: {service_intents} \(probability [01]\.\d\d\)\n"
              rf"action: {one_of(ch05.ACTIONS)}",
              card, rf"request: {re.escape(card)}\nintent: {service_intents} .*\naction: .*"),
        # the headline's sentiment and its probability, each word shaded by LIME
        Panel("06", "headline:", ".widget-output", headline, rf"{sentiments} \(\d+%\): {re.escape(headline)}",
              headline_markup, rf"{sentiments} \(\d+%\): {re.escape(headline_markup)}", scores_words=True),
        # three completions, each after the prompt
        Panel("09", "prompt", ".widget-output", prompt, rf"({re.escape(prompt)}.*\n?){{3}}",
              MARKUP, rf"({re.escape(MARKUP)}.*\n?){{3}}", tokens_box="new tokens"),
        # the agent's trace: the request, the skill and its confidence, the arguments, the outcome, the answer
        Panel("10", "request:", ".widget-html", goal, trace(goal),
              f"{goal} {IMAGE}{MARKUP}", trace(f"{goal} {IMAGE}{MARKUP}")),
    ]


PANELS = panels()


def test_every_widget_panel_is_driven_in_the_browser():
    """A notebook that gets a widget panel gets an entry in PANELS (cheap: runs in the quick suite too)."""
    with_panels = [path.stem[:2] for path in list_notebooks(ROOT / "notebooks")
                   if any(INTERACTIVE_TAG in cell.metadata.get("tags", []) for cell in nbformat.read(path, 4).cells)]
    assert with_panels == [panel.number for panel in PANELS]


@pytest.fixture(scope="session")
def browser_dir(run_folder):
    """Screenshots and JupyterLab's log: kept in ``$LABKIT_TEST_RUN_DIR/browser`` when set."""
    return run_folder("browser")


@dataclass
class Lab:
    """A running JupyterLab: its address, token and the folder it serves."""

    url: str
    token: str
    root: Path

    def api(self, method, path):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory, browser_dir):
    """JupyterLab, headless on localhost with a token, serving a temporary folder; shut down at the end."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root, settings = home / "notebooks", home / "settings"
    root.mkdir()
    # every cell in the page (no windowing), no news or update toasts over the notebook
    for name, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                         "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    log = browser_dir / "jupyterlab.log"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config")}  # none of the user's own configuration
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",  # CI runs as root
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
             "--LabApp.extension_manager=readonly"],  # offline: no extension search on PyPI
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)  # a process group with its kernels
    running = Lab(f"http://127.0.0.1:{port}", token, root)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {server.returncode}; its log: {log}")
            try:
                running.api("GET", "status")
                break
            except OSError:  # not listening yet
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {START_SECONDS} s; its log: {log}")
                time.sleep(0.5)
        yield running
    finally:
        # asked to, the server shuts its kernels down; it can then hang at exit, SIGTERM or not (jupyter_server's
        # AnyIO worker threads: jupyterlab/jupyterlab#10442), so what is left of its group is killed
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            running.api("POST", "shutdown")
            server.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(scope="session")
def chromium():
    """Chromium through Playwright, closed at the end."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no {CHROMIUM}: run `bash scripts/browser_setup.sh` first")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: run `bash scripts/browser_setup.sh` first")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_copy(path, root, output_dir, kernel):
    """The notebook up to its last widget cell, parameters set (ci, seed 42, ``output_dir``), on ``kernel``."""
    nb = nbformat.read(path, as_version=4)
    last = max(i for i, cell in enumerate(nb.cells) if INTERACTIVE_TAG in cell.metadata.get("tags", []))
    nb.cells = nb.cells[:last + 1]  # what comes after the panel is not needed to use it
    nb.metadata.kernelspec = {"name": kernel.name, "language": "python", "display_name": kernel.display_name}
    copy = root / path.name
    nbformat.write(nb, copy)
    pm.execute_notebook(str(copy), str(copy), parameters={"PROFILE": "ci", "SEED": 42, "OUTPUT_DIR": str(output_dir),
                                                          "DATA_DIR": None},
                        prepare_only=True, kernel_name=kernel.name, progress_bar=False)
    return copy


class Kernel:
    """A kernel's name and the name JupyterLab shows for it."""

    def __init__(self, name):
        from jupyter_client.kernelspec import KernelSpecManager

        self.name, self.display_name = name, KernelSpecManager().get_kernel_spec(name).display_name


def wait_for(condition, seconds):
    """Poll ``condition()`` until it returns something true, and return that; None after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


CELL_STATE = """() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')];
  const errors = cells.flatMap(c => [...c.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(o => o.innerText))
    .filter(t => t.includes('Traceback'));
  return {prompts: cells.map(c => c.querySelector('.jp-InputPrompt').innerText.trim()), errors};
}"""


def run_cells(page):
    """Run All Cells from the Run menu; wait until the last cell (the panel) has run, failing on a cell's error."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()

    def finished():
        state = page.evaluate(CELL_STATE)
        if re.fullmatch(r"\[\d+\]:", state["prompts"][-1]):
            return True
        if state["errors"] and "[*]:" not in state["prompts"]:  # the run stopped at a failing cell
            pytest.fail("a cell failed:\n" + state["errors"][0][-3000:])
        return False
    if not wait_for(finished, RUN_SECONDS):
        pytest.fail(f"the cells up to the panel did not finish within {RUN_SECONDS} s")


def ask(cell, panel, request, expected):
    """Type ``request`` into the panel's box, press Enter, and return the answer's text once it matches
    ``expected`` in full."""
    box = cell.locator(".widget-text", has=cell.page.locator("label", has_text=panel.box)).locator("input")
    box.fill(request)
    box.press("Enter")  # commits the value of a box without continuous updates; submits notebook 05's request
    assert box.input_value() == request
    area = cell.locator(panel.answer)

    def shown():
        return area.inner_text().strip() if area.count() else ""
    answer = wait_for(lambda: re.fullmatch(expected, shown()), ANSWER_SECONDS)
    assert answer, f"notebook {panel.number}'s answer to {request!r}:\n{shown()}\ndoes not match {expected!r}"
    return answer.group()


@pytest.mark.browser
@pytest.mark.parametrize("panel", PANELS, ids=[p.number for p in PANELS])
def test_panel_answers_and_shows_markup_as_text(panel, executed, lab, chromium, browser_dir, capsys):
    def report(line):
        with capsys.disabled():  # shown for passing tests too: the timings and the screenshots' paths
            print(f"\n[{path.stem}] {line}", flush=True)

    (path,) = select(list_notebooks(ROOT / "notebooks"), [panel.number])
    out = executed(path, reuse=True)  # its artifacts are beside it, in artifacts/ci-seed42-bundled
    kernel = Kernel(kernel_name())  # the kit's
    copy = browser_copy(path, lab.root, out.parent / f"{path.stem}_browser", kernel)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        started = time.perf_counter()
        # a workspace of its own: the layout an earlier page saved (its notebook open) is not restored
        page.goto(f"{lab.url}/lab/workspaces/{path.stem}/tree/{copy.name}?token={lab.token}")
        # the kernel has started and the page is connected to it (cells run before that would ask for a kernel)
        toolbar = page.locator(".jp-NotebookPanel-toolbar")
        toolbar.locator(".jp-KernelName", has_text=kernel.display_name).wait_for(timeout=START_SECONDS * 1000)
        toolbar.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(timeout=START_SECONDS * 1000)
        run_cells(page)
        report(f"opened, and its cells up to the panel ran, in {time.perf_counter() - started:.0f} s")
        cell = page.locator(".jp-NotebookPanel .jp-CodeCell").last
        area = cell.locator(".jp-Cell-outputArea")

        answer = ask(cell, panel, panel.request, panel.expected)
        if panel.scores_words:
            scored = cell.locator(f"{panel.answer} span[title]").count()
            assert scored == len(ch04.split_words(panel.request)), f"{scored} scored words"
        shot = browser_dir / f"{path.stem}_answer.png"
        cell.screenshot(path=str(shot))
        report(f"answer to {panel.request!r}:\n{answer}\nscreenshot: {shot}")

        if panel.tokens_box:  # room for MARKUP in the model's context
            readout = cell.locator(".widget-slider", has=page.locator("label", has_text=panel.tokens_box)) \
                .locator(".widget-readout")
            readout.fill("2")
            readout.press("Enter")
        answer = ask(cell, panel, panel.markup_request, panel.markup_expected)
        # shown as text: nothing of it became an element, and neither the script nor the image's onerror ran
        assert area.locator("script").count() == 0 and area.locator("img[src='x']").count() == 0
        assert area.locator("b", has_text=re.compile(r"^x$")).count() == 0
        assert page.evaluate("() => typeof window.lk") == "undefined"
        shot = browser_dir / f"{path.stem}_markup.png"
        cell.screenshot(path=str(shot))
        report(f"answer to {panel.markup_request!r}:\n{answer}\nscreenshot: {shot}")
        report(f"done in {time.perf_counter() - started:.0f} s")
    finally:
        page.close()
        with contextlib.suppress(OSError):  # a server that died already says why in the test's own error
            for session in lab.api("GET", "sessions"):  # its kernel: the next notebook gets the CPU
                if session["path"] == copy.name:
                    lab.api("DELETE", f"sessions/{session['id']}")
