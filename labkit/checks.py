"""The checks behind each notebook's exercises: one function per exercise, named after what it checks.

Each computes the expected answer from the same data the learner used (so checks hold with
``DATA_DIR`` too) and hands the verdict to :func:`labkit.exercises.check`.
"""
from __future__ import annotations

from labkit.exercises import check, close_to


# --- 00 · set-up and tour ------------------------------------------------------------------


def intent_count(lab, answer, train) -> str:
    expected = len(set(train.labels))
    return check(lab, "00.1 intents", answer, lambda a: a == expected,
                 "count the distinct labels of intents['train'] (out_of_scope counts too); set() helps")


def short_profile(lab, answer) -> str:
    from labkit.profiles import Profile, get_profile

    def right(profile):
        laptop = get_profile("laptop")
        return isinstance(profile, Profile) and profile == get_profile("laptop", mlm_epochs=2) and laptop.mlm_epochs != 2
    return check(lab, "00.2 profile", answer, right,
                 "labkit.get_profile takes the profile's name and then field=value overrides")


def share_of_o(lab, answer, sentences) -> str:
    tags = [tag for sentence in sentences for tag in sentence.tags]
    return check(lab, "00.3 share of O", answer, close_to(tags.count("O") / len(tags), 0.005),
                 "count the tags equal to 'O' over all training tokens and divide by the number of tokens "
                 "(a fraction between 0 and 1)")


def csv_loaded(lab, answer) -> str:
    from labkit.data import LabeledTexts

    return check(lab, "00.4 CSV", answer, lambda a: isinstance(a, LabeledTexts) and len(a) == 3,
                 "write a header line 'sentence,intent' and three rows, then data.read_text_label(path)")
