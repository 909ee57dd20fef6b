"""Notebook 05's plumbing: CLINC150's reader, out-of-scope scoring, the simulated customers, the chat HTML."""
import json

import numpy as np
import pytest

from labkit import ch05, data
from labkit.data import DataFormatError

CLINC = {"train": [["freeze my card", "card_lost"], ["where is my card", "card_arrival"]],
         "val": [["I lost my card", "card_lost"]], "test": [["my card never came", "card_arrival"]],
         "oos_train": [["tell me a joke", "oos"]], "oos_val": [["weather in Oslo", "oos"]],
         "oos_test": [["best pizza near me", "oos"], ["play some jazz", "oos"]]}


def write(tmp_path, content):
    path = tmp_path / "data_full.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_read_clinc_puts_out_of_scope_requests_into_each_split(tmp_path):
    splits = data.read_clinc(write(tmp_path, CLINC))
    assert splits["train"].labels == ["card_lost", "card_arrival", "oos"]
    assert splits["valid"].texts == ["I lost my card", "weather in Oslo"]
    assert splits["test"].labels == ["card_arrival", "oos", "oos"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("oos_test"), r"key\(s\) \['oos_test'\] missing"),
    (lambda d: d["val"].append(["hello"]), r"key 'val', entry 1: expected \[text, intent\]"),
    (lambda d: d["test"].append(["send money", "transfer"]), r"key 'test', entry 1: intent 'transfer' never occurs in 'train'"),
    (lambda d: d["oos_val"].append(["what time is it", "card_lost"]), r"key 'oos_val', entry 1: intent 'card_lost' in an out-of-scope"),
    (lambda d: d.update(oos_train=[]), r"key 'oos_train': no out-of-scope training requests"),
])
def test_read_clinc_names_the_key_and_entry_of_bad_input(tmp_path, change, message):
    content = json.loads(json.dumps(CLINC))
    change(content)
    with pytest.raises(DataFormatError, match=message):
        data.read_clinc(write(tmp_path, content))


def test_read_clinc_gives_the_line_of_broken_json(tmp_path):
    with pytest.raises(DataFormatError, match=r"data_full.json, line 2: not valid JSON"):
        data.read_clinc(write(tmp_path, '{"train": [\n  ["a", "b"],,\n]}'))


def test_bundled_service_set_is_the_intent_set_regrouped():
    service_set, intents = data.load_service(), data.load_intents()
    for split in data.SPLITS:
        regrouped = sorted(zip(service_set[split].texts, service_set[split].labels))
        original = sorted((t, "oos" if label == "out_of_scope" else label)
                          for t, label in zip(intents[split].texts, intents[split].labels))
        assert regrouped == original


def test_partial_data_dir_falls_back_to_the_bundled_service_set(tmp_path, capsys):
    assert len(data.load_service(tmp_path)["test"]) == len(data.load_service()["test"])
    assert "no service/ folder" in capsys.readouterr().out


def test_threshold_turns_unsure_predictions_into_out_of_scope():
    probs = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [0.1, 0.2, 0.7]])
    assert ch05.predict_with_threshold(probs, oos_id=2, threshold=0.5).tolist() == [0, 2, 2]
    assert ch05.predict_with_threshold(probs, oos_id=2, threshold=0.0).tolist() == [0, 0, 2]


def test_oos_scores_follow_clinc150s_definitions():
    y_true = np.array([0, 0, 1, 1, 2, 2])  # class 2 is out of scope
    y_pred = np.array([0, 2, 1, 0, 2, 1])
    scores = ch05.oos_scores(y_true, y_pred, oos_id=2)
    assert scores == ch05.OosScores(inscope_accuracy=0.5, oos_recall=0.5, oos_precision=0.5)
    with pytest.raises(ValueError, match="both in-scope and out-of-scope"):
        ch05.oos_scores(np.array([0, 1]), np.array([0, 1]), oos_id=2)


def test_confidence_features():
    uniform, sure = np.full(4, 0.25), np.array([0.97, 0.01, 0.01, 0.01])
    features = ch05.confidence_features(np.stack([uniform, sure]), oos_id=3)
    np.testing.assert_allclose(features[0], [0.25, 0.0, 1.0, 0.25], atol=1e-6)
    assert features[1, 0] == pytest.approx(0.97) and features[1, 1] == pytest.approx(0.96)
    assert features[1, 2] < 0.2 and features[1, 3] == pytest.approx(0.01)


def customers():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4) * 0.5, size=60)
    return ch05.SimulatedCustomers(probs, rng.integers(4, size=60), oos_id=3)


def test_expected_rewards_match_the_sampled_ones():
    pool, rng = customers(), np.random.default_rng(1)
    exact = pool.expected()
    for request in (0, 7, 31):
        for action in range(len(ch05.ACTIONS)):
            sampled = np.mean([pool.reward(request, action, rng) for _ in range(4000)])
            assert sampled == pytest.approx(exact[request, action], abs=0.08), (request, action)


def test_the_same_seed_shows_the_same_requests_whatever_the_actions():
    pool = customers()
    streams = []
    for action in (ch05.ANSWER, ch05.REPHRASE):
        env = ch05.router_environment(pool, batch_size=4, seed=3)
        env.reset()
        for _ in range(5):
            env.step(np.full(4, action, np.int32))
        assert env.actions == [action] * 20
        streams.append(env.shown)
    assert streams[0] == streams[1] and len(set(streams[0])) > 1


def test_best_threshold_is_the_best_rule_in_hindsight():
    pool = customers()
    thresholds = np.linspace(0, 1, 11)
    tau, mean = ch05.best_threshold(pool, np.arange(len(pool)), thresholds)
    value = pool.expected()
    rule = lambda t: value[np.arange(len(pool)), ch05.threshold_rule(pool.features, t)].mean()  # noqa: E731
    assert mean == pytest.approx(rule(tau)) and mean >= max(rule(t) for t in thresholds) - 1e-12


def test_reply_html_escapes_the_request_and_answers_an_empty_one():
    reply = ch05.reply_html("<script>alert(1)</script>", "oos", 0.9, "hand over")
    assert "<script>" not in reply and "&lt;script&gt;" in reply
    assert "Type a request first" in ch05.reply_html("", None, None, None)
