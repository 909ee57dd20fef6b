"""Chapter 03's instruction world (04 and 10 use it too): a small grid where an agent must walk to the object an instruction names.

Each episode draws a layout (the agent and a few coloured objects on a grid) and an
English instruction such as "walk to the blue key". The agent gets reward 1 for stepping
onto the named object, which ends the episode; it may walk over the other objects, and
running out of time ends the episode with nothing. Distractors share the target's colour
or its kind, so both words of the instruction matter.

``shaping_gamma`` turns on potential-based reward shaping (Ng, Harada and Russell, 1999):
every step also pays ``gamma * phi(s') - phi(s)`` with ``phi = -(distance to the named
object) / (largest distance)``. It gives a signal on every step, and provably leaves the
best policy unchanged when ``gamma`` is the agent's discount.

The observation is a dict of two arrays:

* ``objects``: one row per object (in a random order): its colour (one-hot), its kind
  (one-hot) and its offset from the agent (dx, dy, scaled to [-1, 1]);
* ``instruction``: an embedding of the instruction text, computed by the ``embed`` callable
  you pass in (the stage 1-2 encoder in the course). Every instruction the world can say is
  embedded once, when the world is built, so stepping stays fast (pure NumPy).

Generalisation is measured with held-out parts of the language:

* ``split="train"``: training paraphrases, training (colour, kind) combinations;
* ``split="heldout_paraphrase"``: paraphrases never seen in training, same combinations;
* ``split="heldout_combination"``: training paraphrases, combinations never asked for in training.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`), its plots (the grid paths, rollout frames) and its exercise checks.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from tf_agents.environments import py_environment
from tf_agents.specs import array_spec
from tf_agents.trajectories import time_step as ts

from labkit.course.exercises import check, close_to

# the bundled data folders notebook 03 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS: tuple[str, ...] = ()
# the headline figures of notebook 03, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "cartpole_dqn_avg_return", "cartpole_second_avg_return", "instr_success_heldout_paraphrase",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 03's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    tabular_episodes: int  # episodes of tabular Q-learning and of SARSA on CliffWalking
    dqn_train_steps: int
    pg_train_iterations: int
    instr_train_steps: int
    eval_episodes: int
    instr_grid_size: int  # the instruction world is instr_grid_size x instr_grid_size cells
    instr_num_objects: int  # objects per episode: the named one and its distractors
    instr_eval_episodes: int  # episodes per success rate of the instruction agent


SIZES = {
    "ci": Sizes(
        tabular_episodes=200, dqn_train_steps=1500, pg_train_iterations=40, instr_train_steps=3500, eval_episodes=10,
        instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=100),
    "laptop": Sizes(
        tabular_episodes=500, dqn_train_steps=20_000, pg_train_iterations=200, instr_train_steps=10_000,
        eval_episodes=20, instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=300),
    "gpu": Sizes(
        tabular_episodes=500, dqn_train_steps=20_000, pg_train_iterations=400, instr_train_steps=20_000,
        eval_episodes=50, instr_grid_size=5, instr_num_objects=4, instr_eval_episodes=500),
}

COLOURS = ("red", "green", "blue", "yellow")
KINDS = ("ball", "key", "box", "door")
TRAIN_TEMPLATES = (
    "go to the {colour} {kind}",
    "walk to the {colour} {kind}",
    "find the {colour} {kind}",
    "move to the {colour} {kind}",
    "head for the {colour} {kind}",
    "get to the {colour} {kind}",
    "walk up to the {colour} {kind}",
    "run to the {colour} {kind}",
    "approach the {colour} {kind}",
    "make your way to the {colour} {kind}",
    "navigate to the {colour} {kind}",
    "go and find the {colour} {kind}",
)
HELDOUT_TEMPLATES = (
    "please go over to the {colour} {kind}",
    "reach the {colour} {kind}",
    "your goal is the {colour} {kind}",
)
# Each colour and each kind is held out exactly once, so every word is still seen in training.
HELDOUT_COMBINATIONS = (("red", "key"), ("green", "door"), ("blue", "ball"), ("yellow", "box"))
TRAIN_COMBINATIONS = tuple(
    c for c in itertools.product(COLOURS, KINDS) if c not in HELDOUT_COMBINATIONS
)
SPLITS = {
    "train": (TRAIN_TEMPLATES, TRAIN_COMBINATIONS),
    "heldout_paraphrase": (HELDOUT_TEMPLATES, TRAIN_COMBINATIONS),
    "heldout_combination": (TRAIN_TEMPLATES, HELDOUT_COMBINATIONS),
}
ACTIONS = ("up", "down", "left", "right")
NUM_ATTRIBUTES = len(COLOURS) + len(KINDS)  # the first columns of an ``objects`` row; then dx, dy
_MOVES = ((0, -1), (0, 1), (-1, 0), (1, 0))  # (dx, dy) per action; y grows downwards
# Time steps built directly (the tf_agents helpers check types on every call: too slow for 10k steps/s).
def _constant(value, dtype) -> np.ndarray:
    array = np.asarray(value, dtype)
    array.flags.writeable = False  # shared by every time step
    return array


_FIRST, _MID, _LAST = (_constant(t, np.int32) for t in (ts.StepType.FIRST, ts.StepType.MID, ts.StepType.LAST))
_REWARD = {0.0: _constant(0.0, np.float32), 1.0: _constant(1.0, np.float32)}
_DISCOUNT = {False: _constant(1.0, np.float32), True: _constant(0.0, np.float32)}
_KNOWN_WORDS = {w for t in TRAIN_TEMPLATES + HELDOUT_TEMPLATES for w in t.split() if "{" not in w}


def instructions(split: str = "train") -> list[str]:
    """Every instruction text of one split (templates x combinations)."""
    templates, combinations = _split(split)
    return [t.format(colour=c, kind=k) for t in templates for c, k in combinations]


def all_instructions() -> list[str]:
    """Every instruction text the world can say, over all splits (what gets embedded)."""
    return sorted({text for split in SPLITS for text in instructions(split)})


def world_constructors(embed: Callable[[list[str]], np.ndarray], count: int, seed: int = 0,
                       **kwargs) -> list[Callable[[], InstructionWorld]]:
    """``count`` constructors of worlds seeded ``seed``, ``seed + 1``, ..., e.g. for TF-Agents'
    ``ParallelPyEnvironment`` (each world in its own process) or ``BatchedPyEnvironment``.

    Every instruction is embedded once, here: each constructor carries the table of vectors, not
    ``embed``, so no encoder is copied into the worker processes. ``kwargs`` go to
    :class:`InstructionWorld` (``split``, ``size``, ``language``, ...). A wording outside the table
    (``world.start`` with your own sentence) raises a ``ValueError`` in such a world.
    """
    if count < 1:
        raise ValueError(f"count={count} must be at least 1")
    texts = all_instructions()
    table = _EmbeddingTable(dict(zip(texts, np.asarray(embed(texts), np.float32))))
    return [functools.partial(InstructionWorld, table, seed=seed + i, **kwargs) for i in range(count)]


class _EmbeddingTable:
    """An ``embed`` callable that looks texts up in vectors computed beforehand (picklable, cheap to copy)."""

    def __init__(self, rows: dict[str, np.ndarray]):
        self.rows = rows

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.rows]
        if missing:
            raise ValueError(f"instruction {missing[0]!r} was not embedded when the world's constructor was made: "
                             "such worlds know only the instructions of all_instructions()")
        return np.stack([self.rows[t] for t in texts])


def load_instruction_agent(lab) -> tuple[object, Callable[[list[str]], np.ndarray]]:
    """``(policy, embed)``: the policy this notebook saved with ``lab.checkpoint`` and the instruction embedding it
    was trained with, that checkpoint's encoder mean-pooled (``labkit.blocks.checkpoints.Checkpoint.embed``; "kit":
    notebook 01's). ``policy`` acts on :class:`InstructionWorld` observations (``labkit.blocks.rl.load_policy``);
    ``embed`` maps texts to instruction vectors. This notebook runs first when the policy is missing."""
    from labkit.blocks.checkpoints import load_checkpoint
    from labkit.course.artifacts import load_instruction_policy

    return load_instruction_policy(lab), load_checkpoint(lab.checkpoint, lab).embed


def known_words() -> list[str]:
    """Every word an instruction may use, sorted: the templates' words, the colours and the objects."""
    return sorted(_KNOWN_WORDS | set(COLOURS) | set(KINDS))


def ground(instruction: str) -> tuple[str, str]:
    """The (colour, kind) an instruction names; a ``ValueError`` naming any word the world does not know."""
    words = re.findall(r"[a-z]+", instruction.lower())
    unknown = [w for w in words if w not in _KNOWN_WORDS and w not in COLOURS and w not in KINDS]
    if unknown:
        raise ValueError(
            f"cannot ground {unknown[0]!r} in instruction {instruction!r}: the world knows the colours "
            f"{', '.join(COLOURS)}, the objects {', '.join(KINDS)} and the words {', '.join(sorted(_KNOWN_WORDS))}"
        )
    colours = [w for w in words if w in COLOURS]
    kinds = [w for w in words if w in KINDS]
    if len(colours) != 1 or len(kinds) != 1:
        raise ValueError(
            f"instruction {instruction!r} must name exactly one colour ({', '.join(COLOURS)}) "
            f"and one object ({', '.join(KINDS)})"
        )
    return colours[0], kinds[0]


def _split(split: str):
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is unknown; expected one of: {', '.join(SPLITS)}")
    return SPLITS[split]


class InstructionWorld(py_environment.PyEnvironment):
    """A ``size`` x ``size`` grid with ``num_objects`` objects and an instruction per episode.

    ``embed`` maps a list of texts to an array ``(n, dim)``; it is called once, here.
    ``language=False`` zeroes the instruction embedding (the no-language ablation).
    Actions: 0 up, 1 down, 2 left, 3 right; the grid wraps around at its edges (no walls to get
    stuck on). Episodes last at most ``max_steps`` (default: twice the grid size).
    ``shaping_gamma`` (the agent's discount) adds the shaping reward described above; evaluate
    success in a world without it, where the return is 1 exactly when the agent got there.
    """

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        split: str = "train",
        size: int = 5,
        num_objects: int = 4,
        max_steps: int | None = None,
        language: bool = True,
        seed: int | None = None,
        shaping_gamma: float | None = None,
    ):
        super().__init__()
        self._templates, self._combinations = _split(split)
        if size < 3:
            raise ValueError(f"size={size} is too small; expected at least 3")
        if not 2 <= num_objects <= min(len(KINDS) + 1, size * size - 1):
            raise ValueError(f"num_objects={num_objects} must be between 2 and {len(KINDS) + 1}")
        self.size, self.num_objects, self.language = size, num_objects, language
        self.max_steps = max_steps or 2 * size
        if shaping_gamma is not None and not 0.0 < shaping_gamma <= 1.0:
            raise ValueError(f"shaping_gamma={shaping_gamma} must be in (0, 1], the agent's discount")
        self.shaping_gamma = shaping_gamma
        texts = all_instructions()
        vectors = np.asarray(embed(texts), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(f"embed(texts) must return an array (len(texts), dim), got shape {vectors.shape}")
        self._embed = embed
        self._embeddings = dict(zip(texts, vectors))
        self._zeros = np.zeros(vectors.shape[1], np.float32)
        self._rng = np.random.default_rng(seed)
        width = len(COLOURS) + len(KINDS) + 2
        self._observation_spec = {
            "objects": array_spec.BoundedArraySpec((num_objects, width), np.float32, -1.0, 1.0, "objects"),
            "instruction": array_spec.ArraySpec(vectors.shape[1:], np.float32, "instruction"),
        }
        self._action_spec = array_spec.BoundedArraySpec((), np.int32, 0, len(ACTIONS) - 1, "action")
        self.instruction = ""
        self.target = ("", "")

    def observation_spec(self):
        return self._observation_spec

    def action_spec(self):
        return self._action_spec

    # --- episodes -------------------------------------------------------------

    def _reset(self) -> ts.TimeStep:
        template = self._templates[self._rng.integers(len(self._templates))]
        colour, kind = self._combinations[self._rng.integers(len(self._combinations))]
        return self._start(template.format(colour=colour, kind=kind), (colour, kind))

    def start(self, instruction: str) -> ts.TimeStep:
        """Begin an episode with your own instruction (any wording made of words the world knows)."""
        return self._start(instruction, ground(instruction))

    def _start(self, instruction: str, target: tuple[str, str]) -> ts.TimeStep:
        self.instruction, self.target = instruction, target
        if instruction not in self._embeddings:
            self._embeddings[instruction] = np.asarray(self._embed([instruction]), np.float32)[0]
        self._instruction_vector = self._embeddings[instruction] if self.language else self._zeros
        objects = [target, *self._distractors(target)]
        order = self._rng.permutation(self.num_objects)  # the target is in no fixed row
        self.objects = [objects[i] for i in order]
        cells = self._rng.choice(self.size * self.size, self.num_objects + 1, replace=False)
        self.agent = divmod(int(cells[0]), self.size)
        self.positions = np.array([divmod(int(c), self.size) for c in cells[1:]])
        self._cells = {divmod(int(c), self.size): row for row, c in enumerate(cells[1:])}
        self._target_row = int(np.argmax(order == 0))
        self._attributes = np.zeros((self.num_objects, len(COLOURS) + len(KINDS)), np.float32)
        for row, (colour, kind) in enumerate(self.objects):
            self._attributes[row, COLOURS.index(colour)] = 1.0
            self._attributes[row, len(COLOURS) + KINDS.index(kind)] = 1.0
        self.steps = 0
        self._potential = self._target_potential()
        self._current_time_step = ts.TimeStep(_FIRST, _REWARD[0.0], _DISCOUNT[False], self._observation())
        return self._current_time_step

    def _distractors(self, target: tuple[str, str]) -> list[tuple[str, str]]:
        """One object of the target's colour, one of its kind, the rest anything else (all distinct)."""
        colour, kind = target
        rng = self._rng
        chosen = [
            (colour, rng.choice([k for k in KINDS if k != kind])),
            (rng.choice([c for c in COLOURS if c != colour]), kind),
        ]
        others = [c for c in itertools.product(COLOURS, KINDS) if c != target and c not in chosen]
        picks = rng.choice(len(others), self.num_objects - 3, replace=False) if self.num_objects > 3 else []
        return (chosen + [others[i] for i in picks])[: self.num_objects - 1]

    def _step(self, action) -> ts.TimeStep:
        if self._current_time_step.step_type == _LAST:
            return self.reset()  # tf_agents' convention: the step after the last one starts anew
        action = int(action)
        if not 0 <= action < len(ACTIONS):
            raise ValueError(f"action={action} is outside the action spec: expected 0..{len(ACTIONS) - 1}")
        dx, dy = _MOVES[action]
        x, y = self.agent
        self.agent = ((x + dx) % self.size, (y + dy) % self.size)  # the grid wraps around: no walls
        self.steps += 1
        row = self._cells.get(self.agent)
        terminated = row == self._target_row  # other objects are walked over
        reward = _REWARD[float(terminated)]
        if self.shaping_gamma is not None:
            before, self._potential = self._potential, self._target_potential()
            reward = np.float32(reward + self.shaping_gamma * self._potential - before)
        step_type = _LAST if terminated or self.steps >= self.max_steps else _MID
        return ts.TimeStep(step_type, reward, _DISCOUNT[terminated], self._observation())

    def _target_potential(self) -> float:
        """phi = -(grid distance to the named object) / (largest distance), on the wrapped grid."""
        half = self.size // 2
        gaps = abs((self.positions[self._target_row] - self.agent + half) % self.size - half)
        return -float(gaps.sum()) / (2 * half)

    def _observation(self) -> dict:
        half = self.size // 2  # shortest way round the wrapped grid, scaled to [-1, 1]
        offsets = ((self.positions - self.agent + half) % self.size - half).astype(np.float32) * (1.0 / half)
        return {
            "objects": np.concatenate([self._attributes, offsets], axis=1),
            "instruction": self._instruction_vector,
        }

    # --- pictures -------------------------------------------------------------

    def render(self, mode: str = "rgb_array", cell: int = 16) -> np.ndarray:
        """The grid as an RGB image: objects drawn in their colour and shape, the agent as a black dot."""
        if mode != "rgb_array":
            raise ValueError(f"mode={mode!r} is not supported; expected 'rgb_array'")
        image = np.full((self.size * cell, self.size * cell, 3), 235, np.uint8)
        image[::cell], image[:, ::cell] = 200, 200  # grid lines
        yy, xx = np.mgrid[0:cell, 0:cell] / (cell - 1) * 2 - 1  # cell coordinates in [-1, 1]
        shapes = {
            "ball": xx**2 + yy**2 < 0.6,
            "key": (abs(yy) < 0.2) & (abs(xx) < 0.8) | ((xx + 0.5) ** 2 + yy**2 < 0.15),
            "box": (abs(xx) < 0.7) & (abs(yy) < 0.7) & ~((abs(xx) < 0.4) & (abs(yy) < 0.4)),
            "door": (abs(xx) < 0.5) & (abs(yy) < 0.85),
        }
        paint = {"red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 90, 220), "yellow": (230, 190, 20)}
        for (colour, kind), (x, y) in zip(self.objects, self.positions):
            image[y * cell:(y + 1) * cell, x * cell:(x + 1) * cell][shapes[kind]] = paint[colour]
        x, y = self.agent
        image[y * cell:(y + 1) * cell, x * cell:(x + 1) * cell][xx**2 + yy**2 < 0.25] = 0
        return image


# --- plots ----------------------------------------------------------------------------------------------------


def plot_frames(frames: Sequence, title: str = "", every: int = 1, max_frames: int = 8):
    """An episode as an image strip: every ``every``-th frame, at most ``max_frames`` of them."""
    shown = list(frames)[::every][:max_frames]
    fig, axes = plt.subplots(1, len(shown), figsize=(1.6 * len(shown), 1.9), squeeze=False)
    for i, (ax, frame) in enumerate(zip(axes[0], shown)):
        ax.imshow(frame)
        ax.set_title(f"t={i * every}", fontsize=8)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_grid_paths(paths: Mapping[str, Sequence[int]], shape: tuple[int, int], special: Mapping[str, Sequence[int]],
                    title: str = "", ax=None):
    """Paths over a grid world whose states are numbered row by row (``state = row * columns + column``).

    ``paths``: a list of visited states per name; ``special``: cells to shade, e.g. ``{"cliff": [37, ..., 46]}``.
    """
    import numpy as np

    rows, columns = shape
    ax = ax or plt.subplots(figsize=(0.55 * columns + 1, 0.55 * rows + 1))[1]
    from matplotlib.colors import ListedColormap

    grid = np.zeros(shape)
    colours = ["white"] + [plt.cm.Pastel2(i) for i in range(len(special))]
    for value, (name, cells) in enumerate(special.items(), start=1):
        for cell in cells:
            grid[divmod(cell, columns)] = value
        ax.plot([], [], "s", color=colours[value], markersize=9, label=name)
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=0, vmax=len(special))
    ax.grid(which="minor", color="lightgrey", linewidth=0.5)
    for (name, path), offset in zip(paths.items(), np.linspace(-0.15, 0.15, len(paths))):
        r, c = np.divmod(np.asarray(path), columns)
        ax.plot(c + offset, r + offset, "-o", markersize=3, label=f"{name} ({len(path) - 1} steps)")
    ax.set_xticks(np.arange(-0.5, columns), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=len(paths) + len(special), frameon=False)
    ax.set_title(title)
    return ax


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_td_target(lab, answer) -> str:
    return check(lab, "03.1 TD target", answer, close_to(1 + 0.99 * 50, 1e-6),
                 "y = r + gamma * (1 - d) * max Q(s', a'); here the episode goes on, so d = 0")


def check_discounted_return(lab, answer) -> str:
    expected = sum(0.99 ** k for k in range(200))
    return check(lab, "03.2 discounted return", answer, close_to(expected, 0.01),
                 "G_0 is the sum of gamma**k * r_k over the 200 steps, with r_k = 1 (a geometric series)")


def check_q_net_parameters(lab, answer, sizes) -> str:
    expected = sum(n * m + m for n, m in zip(sizes, sizes[1:]))  # weights and biases of each Dense layer
    return check(lab, "03.3 Q-network parameters", answer, lambda a: a == expected,
                 "a Dense layer from n inputs to m units has n * m weights plus m biases; "
                 "CartPole gives 4 inputs, and there are 2 actions")


CLIFF_EDGE = range(25, 35)  # CliffWalking's row next to the cliff, between the start and the goal


def cliff_greedy_path(q_table, max_steps: int = 100) -> list[int]:
    """The states the greedy policy of a 48 x 4 CliffWalking Q-table visits from the start (36), up to the goal
    (47) or ``max_steps``; a step into the cliff (37 to 46) shows as the cliff state, then the walk restarts."""
    import numpy as np

    q_table = np.asarray(q_table, float).reshape(48, 4)
    moves = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left: the environment's action numbers
    state, path = 36, []
    for _ in range(max_steps):
        row, col = divmod(state, 12)
        d_row, d_col = moves[int(q_table[state].argmax())]
        state = min(max(row + d_row, 0), 3) * 12 + min(max(col + d_col, 0), 11)
        path.append(state)
        if 37 <= state <= 46:
            state = 36
        elif state == 47:
            break
    return path


def check_safe_cliff_path(lab, answer) -> str:
    def right(q_table):
        path = cliff_greedy_path(q_table)
        return path[-1] == 47 and not any(37 <= s <= 46 or s in CLIFF_EDGE for s in path)
    return check(lab, "03.4 a safer path", answer, right,
                 "the greedy path must reach the goal without stepping on states 25 to 34 or into the cliff: make "
                 "reward_fn(reward, next_state) subtract a little (a point or two) when next_state is on that row, "
                 "and pass it to tabular('Q-learning', P.tabular_episodes, reward_fn=...)")
