"""The papermill runner: order, parameters, a failure does not stop the run, the report."""
import json

import nbformat
import pytest

from labkit.course.cli import main
from labkit.course.runner import list_notebooks, run_notebooks, select


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('PROFILE = "auto"\nSEED = 42\nDATA_DIR = None\nOUTPUT_DIR = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def two_notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook(folder / "01_fails.ipynb", "raise RuntimeError('boom')")
    notebook(folder / "02_records.ipynb",
             "import json, pathlib\n"
             "out = pathlib.Path(OUTPUT_DIR); out.mkdir(parents=True, exist_ok=True)\n"
             "(out / 'metrics.json').write_text(json.dumps({'profile': PROFILE, 'seed': SEED, 'acc': 0.75}))")
    return folder


def test_runs_all_in_order_past_a_failure_and_reports(tmp_path, two_notebooks):
    run_dir, results = run_notebooks("ci", 3, output=tmp_path / "run", notebooks=list_notebooks(two_notebooks))
    assert [(r.notebook, r.status) for r in results] == [("01_fails", "failed"), ("02_records", "ok")]
    assert "RuntimeError: boom" in results[0].error
    assert results[1].metrics == {"profile": "ci", "seed": 3, "acc": 0.75}
    assert (run_dir / "02_records" / "02_records.ipynb").is_file()
    report = json.loads((run_dir / "report.json").read_text())
    assert report["profile"] == "ci" and len(report["notebooks"]) == 2
    markdown = (run_dir / "report.md").read_text()
    assert "1 ok, 1 failed" in markdown and "acc = 0.75" in markdown and "RuntimeError: boom" in markdown


def test_checkpoint_reaches_only_the_notebooks_that_define_it(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    record = ("import json, pathlib\n"
              "metrics = {'checkpoint': globals().get('CHECKPOINT')}\n"
              "(pathlib.Path(OUTPUT_DIR) / 'metrics.json').write_text(json.dumps(metrics))")
    notebook(folder / "01_no_encoder.ipynb", record)
    path = notebook(folder / "02_encoder.ipynb", record)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += '\nCHECKPOINT = "kit"'
    nbformat.write(nb, path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "presets" / "tiny").mkdir(parents=True)  # a relative folder: the notebooks run elsewhere
    run_dir, results = run_notebooks("ci", output=tmp_path / "run", notebooks=list_notebooks(folder),
                                     checkpoint="presets/tiny")
    assert [r.metrics["checkpoint"] for r in results] == [None, str(tmp_path / "presets" / "tiny")]
    assert json.loads((run_dir / "report.json").read_text())["checkpoint"] == str(tmp_path / "presets" / "tiny")
    _, results = run_notebooks("ci", output=tmp_path / "run2", notebooks=list_notebooks(folder),
                               checkpoint="bert_tiny_en_uncased")  # a preset name stays a name
    assert results[1].metrics["checkpoint"] == "bert_tiny_en_uncased"


def test_gpt_checkpoint_reaches_only_the_notebooks_that_define_it(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    record = ("import json, pathlib\n"
              "metrics = {name: globals().get(name) for name in ('CHECKPOINT', 'GPT_CHECKPOINT')}\n"
              "(pathlib.Path(OUTPUT_DIR) / 'metrics.json').write_text(json.dumps(metrics))")
    for name, extra in [("01_encoder", '\nCHECKPOINT = "kit"'), ("02_generator", '\nGPT_CHECKPOINT = "kit"')]:
        path = notebook(folder / f"{name}.ipynb", record)
        nb = nbformat.read(path, as_version=4)
        nb.cells[0].source += extra
        nbformat.write(nb, path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "presets" / "gpt").mkdir(parents=True)
    run_dir, results = run_notebooks("ci", output=tmp_path / "run", notebooks=list_notebooks(folder),
                                     checkpoint="bert_tiny_en_uncased", gpt_checkpoint="presets/gpt")
    assert [r.metrics for r in results] == [{"CHECKPOINT": "bert_tiny_en_uncased", "GPT_CHECKPOINT": None},
                                            {"CHECKPOINT": None, "GPT_CHECKPOINT": str(tmp_path / "presets" / "gpt")}]
    report = json.loads((run_dir / "report.json").read_text())
    assert report["checkpoint"] == "bert_tiny_en_uncased"
    assert report["gpt_checkpoint"] == str(tmp_path / "presets" / "gpt")
    assert f"GPT checkpoint: {tmp_path / 'presets' / 'gpt'}" in (run_dir / "report.md").read_text()
    _, results = run_notebooks("ci", output=tmp_path / "run2", notebooks=list_notebooks(folder))
    assert results[1].metrics["GPT_CHECKPOINT"] == "kit"


def test_select_by_number_and_unknown_names(two_notebooks):
    notebooks = list_notebooks(two_notebooks)
    assert [nb.stem for nb in select(notebooks, ["02"])] == ["02_records"]
    with pytest.raises(ValueError, match="matches no notebook; the notebooks are: 01_fails, 02_records"):
        select(notebooks, ["07"])


def test_cli_unknown_notebook_exits_2(capsys):
    assert main(["run", "--profile", "ci", "--only", "77"]) == 2
    assert "matches no notebook" in capsys.readouterr().err


def test_interactive_cells_are_shown_not_run(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = notebook(folder / "01_widget.ipynb", "x = 1", "raise RuntimeError('a widget waiting for a person')",
                    "assert x == 1")
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].metadata["tags"] = ["interactive"]
    nbformat.write(nb, path)
    _, (result,) = run_notebooks("ci", output=tmp_path / "run", notebooks=[path])
    assert result.status == "ok", result.error
    executed = nbformat.read(tmp_path / "run" / "01_widget" / "01_widget.ipynb", as_version=4)
    (widget,) = [c for c in executed.cells if "a widget waiting" in c.source]
    assert widget.cell_type == "raw"  # shown in the executed copy, never run


def test_a_run_prints_no_kernel_transport_warning(tmp_path, capfd):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = notebook(folder / "01_quiet.ipynb", "print('hello')")
    _, (result,) = run_notebooks("ci", output=tmp_path / "run", notebooks=[path])
    assert result.status == "ok", result.error
    assert "without encryption" not in capfd.readouterr().err  # the kernel's stderr is the test's
