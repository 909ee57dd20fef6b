"""The ``ci``, ``laptop`` and ``gpu`` profiles: every notebook's sizes in one object.

Each chapter declares its own fields and their values per profile (``labkit.chNN.Sizes`` and ``SIZES``); this module
joins them. A notebook never writes a size as a literal; it reads ``lab.profile.<field>``.
"""
from __future__ import annotations

import dataclasses

from labkit.course import chapters

DESCRIPTIONS = {
    "ci": "seconds per notebook; tiny models; used by the tests",
    "laptop": "2-core CPU, minutes per notebook; real teaching results",
    "gpu": "a Colab GPU; full sizes (not measured yet)",
}


def _profile_class() -> type:
    """One frozen dataclass: ``name``, ``description``, then every chapter's ``Sizes`` fields in course order."""
    fields, declared_by = [("name", str), ("description", str)], {}
    for chapter in chapters.modules():
        for f in dataclasses.fields(chapter.Sizes) if hasattr(chapter, "Sizes") else ():
            if f.name in declared_by:
                raise TypeError(f"profile field {f.name!r} is declared by both {declared_by[f.name]} and "
                                f"{chapter.__name__}; a field belongs to one chapter")
            declared_by[f.name] = chapter.__name__
            fields.append((f.name, f.type))
    profile = dataclasses.make_dataclass("Profile", fields, frozen=True)
    profile.__module__ = __name__
    profile.__doc__ = ("Sizes for one kind of machine: each chapter's fields (``labkit.chNN.Sizes``, where each is "
                       "documented) joined in course order.")
    return profile


Profile = _profile_class()
PROFILES: dict[str, Profile] = {
    name: Profile(name=name, description=description, **{
        f.name: getattr(chapter.SIZES[name], f.name)
        for chapter in chapters.modules() if hasattr(chapter, "SIZES") for f in dataclasses.fields(chapter.Sizes)})
    for name, description in DESCRIPTIONS.items()
}


def gpu_available() -> bool:
    """True when TensorFlow sees at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def get_profile(name: str = "auto", **overrides) -> Profile:
    """Return the profile called ``name`` (``auto``: ``gpu`` with a GPU, else ``laptop``).

    ``overrides`` replace single fields, e.g. ``get_profile("laptop", mlm_epochs=2)``.
    """
    if not isinstance(name, str) or name not in (*PROFILES, "auto"):
        raise ValueError(f"PROFILE={name!r} is unknown; expected one of: auto, {', '.join(PROFILES)}")
    if name == "auto":
        name = "gpu" if gpu_available() else "laptop"
    fields = {f.name for f in dataclasses.fields(Profile)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(f"unknown profile field(s) {unknown}; known fields: {sorted(fields)}")
    return dataclasses.replace(PROFILES[name], **overrides)


def profile_table(fields: list[str] | None = None) -> str:
    """The profiles side by side as a Markdown table (all fields, or the ones named)."""
    names = fields or [f.name for f in dataclasses.fields(Profile) if f.name not in ("name", "description")]
    profiles = list(PROFILES.values())
    rows = ["| field | " + " | ".join(p.name for p in profiles) + " |", "|---" * (len(profiles) + 1) + "|"]
    rows += [f"| `{n}` | " + " | ".join(str(getattr(p, n)) for p in profiles) + " |" for n in names]
    return "\n".join(rows)
