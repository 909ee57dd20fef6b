"""Notebook 06's plumbing: the PhraseBank reader, the stratified split, the stream reader, alert scoring,
the word-list rule, and the bundled finance set's leak rule."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from datasets.generator import corpus, finance as generator, lexicon
from labkit import ch06, data
from labkit.data import DataFormatError, LabeledTexts, Shift

REPO = Path(__file__).resolve().parents[1]


# --- the PhraseBank reader ---------------------------------------------------------------


def test_reads_sentence_at_label_lines(tmp_path):
    path = tmp_path / "Sentences_AllAgree.txt"
    path.write_text("Sales rose 5 % .@positive\nContact: ir@company.fi .@neutral\n\nProfit fell .@negative\n",
                    encoding="utf-8")
    read = data.read_phrasebank(path)
    assert read.texts == ["Sales rose 5 % .", "Contact: ir@company.fi .", "Profit fell ."]
    assert read.labels == ["positive", "neutral", "negative"] and read.encoding == "UTF-8"


def test_falls_back_to_latin1_and_says_so(tmp_path):
    path = tmp_path / "Sentences_50Agree.txt"
    path.write_bytes("Ahlström 's sales rose .@positive\n".encode("latin-1"))
    read = data.read_phrasebank(path)
    assert read.texts == ["Ahlström 's sales rose ."] and read.encoding == "Latin-1"


@pytest.mark.parametrize("line, message", [("Sales rose 5 % .", "no '@'"), ("Sales rose .@good", "label 'good'"),
                                           ("@neutral", "empty")])
def test_bad_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "Sentences_AllAgree.txt"
    path.write_text(f"Fine .@neutral\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"Sentences_AllAgree.txt, line 2: .*{message}"):
        data.read_phrasebank(path)


def test_load_finance_reads_every_file_of_data_dir(tmp_path, capsys):
    folder = tmp_path / "finance"
    folder.mkdir()
    lines = "".join(f"sentence {i} .@{('positive', 'negative', 'neutral')[i % 3]}\n" for i in range(30))
    (folder / "Sentences_AllAgree.txt").write_text(lines, encoding="utf-8")
    (folder / "Sentences_50Agree.txt").write_bytes(lines.replace("sentence", "phrasé").encode("latin-1"))
    files = data.load_finance(tmp_path, seed=1)
    assert list(files) == ["Sentences_50Agree.txt", "Sentences_AllAgree.txt"]
    assert sum(len(part) for part in files["Sentences_AllAgree.txt"].values()) == 30
    assert "read as Latin-1" in capsys.readouterr().out


# --- the split ----------------------------------------------------------------------------


def _toy(n_per_label=(200, 70, 31)):
    labels = [label for label, n in zip(data.PHRASEBANK_LABELS, n_per_label) for _ in range(n)]
    return LabeledTexts([f"sentence {i}" for i in range(len(labels))], labels)


def test_split_is_80_10_10_disjoint_stratified_and_seeded():
    whole = _toy()
    parts = data.stratified_split(whole, seed=3)
    sizes = {split: len(part) for split, part in parts.items()}
    assert sum(sizes.values()) == len(whole)
    assert abs(sizes["train"] - 0.8 * len(whole)) <= 3 and abs(sizes["valid"] - 0.1 * len(whole)) <= 3
    texts = [set(part.texts) for part in parts.values()]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    assert set().union(*texts) == set(whole.texts)
    total = Counter(whole.labels)
    for split, fraction in zip(data.SPLITS, data.FINANCE_FRACTIONS):
        counts = Counter(parts[split].labels)
        assert all(abs(counts[label] - fraction * total[label]) <= 1 for label in total), (split, counts)
    assert data.stratified_split(whole, seed=3) == parts
    assert data.stratified_split(whole, seed=4)["test"].texts != parts["test"].texts


# --- the stream ---------------------------------------------------------------------------


def test_stream_reader_checks_dates_and_directions(tmp_path):
    (tmp_path / "stream.csv").write_text("date,company,headline\n2024-01-02,Acme,Acme wins deal\n", encoding="utf-8")
    (tmp_path / "shifts.csv").write_text("company,start,end,direction\nAcme,2024-01-02,2024-01-09,negative\n",
                                         encoding="utf-8")
    stream = data.read_stream(tmp_path)
    assert stream.dates == [date(2024, 1, 2)] and stream.shifts == [
        Shift("Acme", date(2024, 1, 2), date(2024, 1, 9), "negative")]
    (tmp_path / "shifts.csv").write_text("company,start,end,direction\nAcme,2024-01-02,2024-01-09,down\n",
                                         encoding="utf-8")
    with pytest.raises(DataFormatError, match="shifts.csv, line 2: direction 'down'"):
        data.read_stream(tmp_path)
    (tmp_path / "stream.csv").write_text("date,company,headline\n02/01/2024,Acme,Acme wins deal\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="stream.csv, line 2: '02/01/2024' is not a date"):
        data.read_stream(tmp_path)


def test_daily_index_averages_each_day_and_leaves_empty_days_nan():
    d0 = date(2024, 1, 1)
    days, index = ch06.daily_index([d0, d0, d0 + timedelta(2), d0], ["A", "A", "A", "B"], [1.0, 0.0, -0.5, 0.25])
    assert days == [d0, d0 + timedelta(1), d0 + timedelta(2)]
    assert index["A"][0] == 0.5 and index["A"][2] == -0.5 and index["A"][1] != index["A"][1]  # NaN
    assert index["B"][0] == 0.25


# --- alert scoring on a planted series ----------------------------------------------------------


def test_score_alerts_counts_delays_false_alarms_and_misses():
    d0 = date(2024, 1, 1)
    day = lambda n: d0 + timedelta(n)  # noqa: E731
    shifts = [Shift("A", day(10), day(19), "negative"), Shift("B", day(30), day(39), "positive"),
              Shift("A", day(60), day(69), "positive"), Shift("B", day(95), day(110), "negative")]
    alerts = [("A", day(12), "negative"), ("A", day(15), "negative"),  # found after 2 days, then a repeat
              ("A", day(21), "negative"),  # within the 3 grace days: still that shift's
              ("B", day(31), "negative"),  # wrong direction: false
              ("A", day(40), "positive"),  # no shift: false
              ("B", day(36), "positive"),  # found after 6 days
              ("B", day(99), "negative"),  # a shift of the next stretch: counted there, not here
              ("A", day(80), "negative")]  # no shift: false
    score = ch06.score_alerts(alerts, shifts, d0, day(90), ["A", "B"])
    assert score.delays == [2, 6] and score.median_delay == 4.0
    assert score.missed == [shifts[2]] and score.shifts == 3
    assert score.false_alarms == 3 and score.series_days == 180
    assert score.false_alarms_per_100_days == pytest.approx(100 * 3 / 180)
    later = ch06.score_alerts(alerts, shifts, day(90), day(120), ["A", "B"])
    assert later.delays == [4] and later.false_alarms == 0 and not later.missed


def test_lexicon_rule_counts_cue_words():
    assert ch06.lexicon_label("Net sales rose and margins improved .") == "positive"
    assert ch06.lexicon_label("The company will cut 40 jobs .") == "negative"
    assert ch06.lexicon_label("Operating loss narrowed .") == "negative"  # the rule's known blind spot
    assert ch06.lexicon_label("The AGM will be held in May .") == "neutral"


# --- the bundled set ------------------------------------------------------------------------------


def test_bundled_files_read_back():
    bundled = REPO / "datasets" / "finance"
    sentences = data.read_phrasebank(bundled / "Sentences_AllAgree.txt")
    assert len(sentences) >= 2000 and set(sentences.labels) == set(data.PHRASEBANK_LABELS)
    assert len(set(s.lower() for s in sentences.texts)) == len(sentences)
    stream = data.read_stream(bundled)
    assert len(stream.shifts) >= 10 and set(s.company for s in stream.shifts) == set(stream.companies)
    named = [c for c in set(stream.companies) if any(c.lower() in s.lower() for s in sentences.texts)]
    assert not named, "stream companies must not occur in the labelled sentences"


def test_no_finance_text_shares_six_words_with_the_corpus():
    lines = [line for _, line in corpus.build(0)[0]]
    sentences = [text for text, _ in generator.build_sentences(0)[0]]
    headlines = sorted({headline for _, _, headline, _ in generator.build_stream(0)})
    assert not lexicon.sharing_ngrams(sentences, lines, lexicon.NGRAM)
    assert not lexicon.sharing_ngrams(headlines, lines, lexicon.NGRAM)


def test_stream_headlines_use_templates_the_sentences_never_use():
    headline_templates = [t for templates in generator.HEADLINES.values() for t in templates]
    sentence_templates = [t for templates in generator.TEMPLATES.values() for t in templates]
    sentence_grams = {g for t in sentence_templates for g in lexicon.ngrams(t, 4)}  # slot names count as words
    assert not [t for t in headline_templates if lexicon.ngrams(t, 4) & sentence_grams]
