"""Exercise checks give a verdict and never raise; the two editions come from one source."""
import json

import nbformat
import pytest

from labkit import exercises
from labkit.editions import edition, solution_blocks
from labkit.lab import Lab
from labkit.profiles import get_profile


@pytest.fixture
def lab(tmp_path):
    return Lab("99_test", get_profile("ci"), 0, tmp_path, None)


def test_three_verdicts_recorded_and_nothing_raised(lab, capsys):
    assert exercises.check(lab, "a", 4, exercises.equals(4), "hint a") == exercises.RIGHT
    assert exercises.check(lab, "b", 5, exercises.equals(4), "count again") == exercises.NOT_YET
    assert exercises.check(lab, "c", None, exercises.equals(4), "hint c") == exercises.NOT_ATTEMPTED
    assert exercises.check(lab, "d", "x", exercises.close_to(0.5, 0.01), "a number") == exercises.NOT_YET
    out = capsys.readouterr().out
    assert "Exercise a: right" in out and "Hint: count again" in out and "not attempted" in out
    assert "raised ValueError" in out  # float("x") failed inside the test: shown, not raised
    assert json.loads(lab.exercises_path.read_text()) == {
        "a": "right", "b": "not yet", "c": "not attempted", "d": "not yet"}


def test_close_to():
    assert exercises.close_to(0.73, 0.005)(0.732) and not exercises.close_to(0.73, 0.005)(0.74)


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_editions_remove_solutions_and_answers_only_for_students():
    nb = notebook(("code", "x = None  # your answer\n# BEGIN SOLUTION\nx = 42\n# END SOLUTION", ["exercise"]),
                  ("code", "check(x)", ["check"]),
                  ("markdown", "1. Why?", []),
                  ("markdown", "1. Because.", ["answers"]))
    student, instructor = edition(nb, student=True), edition(nb, student=False)
    assert student.cells[0].source == "x = None  # your answer"
    assert [c.source for c in student.cells[1:]] == ["check(x)", "1. Why?"]
    assert instructor.cells[0].source == "x = None  # your answer\nx = 42"
    assert len(instructor.cells) == 4 and nb.cells[0].source.count("SOLUTION") == 2  # the source is untouched


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_unpaired_markers_are_named(source, message):
    with pytest.raises(ValueError, match=message):
        solution_blocks(source)
