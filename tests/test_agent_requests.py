"""The capstone's requests: deterministic, leak-free, arguments read back from the skills' vocabularies."""
import numpy as np
import pytest

from labkit import ch10 as ar
from labkit import data


@pytest.fixture(scope="module")
def catalogue():
    stream, ratings, kg = data.load_stream(None), data.load_movielens(None), data.load_kg(None)
    return ar.catalogue_from(stream.companies, ratings.user_ids, [s for split in kg.values() for s in split])


@pytest.fixture(scope="module")
def service():
    return {split: (texts.texts, texts.labels) for split, texts in data.load_service(None).items()}


@pytest.fixture(scope="module")
def requests(catalogue, service):
    return ar.generate_requests(catalogue, service, ar.SIZES["ci"], seed=42)


def test_the_same_seed_gives_the_same_requests(catalogue, service, requests):
    assert ar.generate_requests(catalogue, service, ar.SIZES["ci"], seed=42) == requests
    assert ar.generate_requests(catalogue, service, ar.SIZES["ci"], seed=43) != requests


def test_every_skill_is_asked_for_in_every_split(requests):
    for split in ar.SPLITS:
        assert {r.skill for r in requests[split]} == set(ar.SKILLS), split


def test_no_test_wording_or_surface_form_occurs_in_training(requests):
    none = {"templates": [], "texts": [], "template_ngrams": [], "forms": []}
    seen = requests["train"] + requests["valid"]
    assert ar.leaks(seen, requests["test"]) == none
    assert ar.leaks(requests["train"], requests["valid"]) == none  # validation has wordings of its own too
    assert not {r.text for r in requests["valid"]} & {r.text for r in requests["train"]}


def test_each_split_draws_from_its_own_group_of_templates(requests):
    templates = {split: {r.template for r in requests[split] if "{" in r.template} for split in ar.SPLITS}
    assert templates["valid"] and not templates["valid"] & (templates["train"] | templates["test"])
    assert not templates["train"] & templates["test"]


def test_the_leak_check_finds_a_shared_template(requests):
    train = requests["train"]
    assert ar.leaks(train, train[:5])["templates"] or ar.leaks(train, train[:5])["texts"]


def test_the_filler_reads_back_every_generated_argument(catalogue, requests):
    vocab = ar.vocabulary(catalogue)
    for request in requests["test"]:
        filled = ar.fill_arguments(request.skill, request.text, catalogue, vocab)
        if request.arguments is None:
            assert not filled.complete, request
        elif request.skill not in ("service", "draft", "out_of_scope"):
            assert filled.complete and filled.arguments == request.arguments, request


def test_without_synonyms_the_test_forms_are_not_understood(catalogue):
    canonical = ar.vocabulary(catalogue, synonyms=False)
    assert ar.fill_arguments("navigate", "reach the crimson orb", catalogue, canonical).missing == ["colour", "kind"]
    assert ar.fill_arguments("navigate", "reach the red ball", catalogue, canonical).arguments == {
        "colour": "red", "kind": "ball"}


def test_missing_ambiguous_and_unknown_arguments_are_reported(catalogue):
    vocab = ar.vocabulary(catalogue)
    assert ar.fill_arguments("navigate", "go to the red one", catalogue, vocab).missing == ["kind"]
    both = ar.fill_arguments("navigate", "go to the red or the blue key", catalogue, vocab)
    assert both.ambiguous == {"colour": ["red", "blue"]} and not both.complete
    assert ar.fill_arguments("recommend", "films for user 99999", catalogue, vocab).unknown == {"user": "99999"}
    assert ar.fill_arguments("sentiment", "how is Zentrix doing?", catalogue, vocab).missing == ["company"]
    person = next(name for name, kind in catalogue.entities.items() if kind == "Peop")
    asked = ar.fill_arguments("fact", f"tell me about {person}", catalogue, vocab)
    assert asked.ambiguous == {"relation": ["Work_For", "Live_In"]}
    assert ar.fill_arguments("fact", f"who employs {person}?", catalogue, vocab).arguments == {
        "entity": person, "relation": "Work_For"}


def test_an_unknown_skill_is_a_clear_error(catalogue):
    with pytest.raises(ValueError, match="skill='fly' is unknown"):
        ar.fill_arguments("fly", "fly me to the moon", catalogue, ar.vocabulary(catalogue))


def test_the_keyword_router_follows_its_rules(catalogue):
    assert ar.keyword_route("walk to the red key") == "navigate"
    assert ar.keyword_route("how is Quorvex doing?", catalogue) == "sentiment"
    assert ar.keyword_route("hello there, reach the amber doorway") == "out_of_scope"


def test_clauses_and_known_words():
    assert ar.split_clauses("go to the red key and then tell me how Quorvex is doing") == [
        "go to the red key", "tell me how Quorvex is doing"]
    assert ar.split_clauses("go and find the red key") == ["find the red key"]
    assert ar.known_share("où est la clé rouge", {"the", "red", "key"}) == 0.0
    assert ar.known_share("", set()) == 1.0


def test_delexicalised_requests_keep_their_shape(catalogue):
    vocab = ar.vocabulary(catalogue)
    assert ar.delexicalise("Reach the CRIMSON orb, please", vocab) == "reach the colour kind please"
    assert ar.delexicalise("has coverage of QUOR turned sour?", vocab) == "has coverage of company turned sour"
    assert ar.delexicalise("who has Hassan, Ivan on the payroll?", vocab) == "who has entity on the payroll"
    assert ar.delexicalise("any viewing tips for customer #93?", vocab) == "any viewing tips for user"
    assert ar.delexicalise("films for user number 7 or 8", vocab) == "films for user or number"
    assert ar.delexicalise("propose cinema picks for member no. 62", vocab) == "propose cinema picks for user"


def test_argument_types_count_the_training_names_and_weight_zero_leaves_the_router_alone():
    texts = ["how is company doing", "what about company lately", "films for user", "walk to the colour kind", "hi"]
    labels = [1, 1, 2, 0, 3]
    evidence = ar.ArgumentTypes(texts, labels, n_labels=4)
    q = evidence(["company news please", "a text with no names", "user and company"])
    np.testing.assert_allclose(q[0], np.array([1, 3, 1, 1]) / 6)  # two sentiment requests named a company
    np.testing.assert_allclose(q[1], np.array([1, 1, 1, 2]) / 5)  # "hi" carried no names
    np.testing.assert_allclose(q[2], np.full(4, 0.25))  # a set never seen in training rules nothing out
    router = np.array([[0.5, 0.2, 0.2, 0.1]] * 3)
    np.testing.assert_allclose(ar.with_argument_types(router, q, 0), router, atol=1e-6)
    combined = ar.with_argument_types(router, q, 1)
    np.testing.assert_allclose(combined.sum(-1), 1)
    assert combined[0].argmax() == 1 and combined[2].argmax() == 0  # the company outvotes; an unseen set does not


def test_a_draft_requests_topic_is_read_back(requests):
    topics = {t for group in ar.TOPICS for t in group}
    drafts = [r for split in requests.values() for r in split if r.skill == "draft"]
    assert drafts and all(ar.draft_topic(r.text) in topics for r in drafts), \
        [(r.text, ar.draft_topic(r.text)) for r in drafts if ar.draft_topic(r.text) not in topics][:5]
    assert ar.draft_topic("write a slogan for our new product for me") == "our new product"
    assert ar.draft_topic("a few words, please") == "a few words"  # no cue word: the request, courtesy dropped


def test_no_out_of_scope_request_asks_for_a_text(requests):
    # 05's out-of-scope test messages include "write a short poem about parrots": the draft skill's, not out of scope
    assert ar.asks_for_a_text("write a short poem about parrots.") and not ar.asks_for_a_text("what time is it in Leeds?")
    assert not [r.text for rows in requests.values() for r in rows
                if r.skill == "out_of_scope" and ar.asks_for_a_text(r.text)]
