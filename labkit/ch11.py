"""BabyAI levels (from the ``minigrid`` package) as TF-Agents environments (chapter 11).

What is here, and what a learner gets back:

* :class:`GymnasiumEnvironment`: any gymnasium environment as a TF-Agents ``PyEnvironment``. Gymnasium's
  ``step`` says ``terminated`` (the task ended: success, failure) apart from ``truncated`` (the time limit
  cut it short); TF-Agents keeps the difference in the discount of the last step: a termination has
  discount 0 (nothing follows), a truncation discount 1 (the future was only cut off, not worth nothing).
* :func:`level_id` / :func:`make_level`: a BabyAI level by its short name (``GoToObj``, ``GoToLocal``, ...).
* :class:`MissionEncoder`: the mission string as a fixed vector, computed *outside* the agent's network
  (as notebook 03 does) and cached per string: the kit's pretrained encoder (:func:`encoder_missions`), a
  bag of words (:func:`bow_missions`) or zeros (:func:`zero_missions`, the no-language ablation).
* :func:`babyai_environment`: observation ``{"image": the 7x7x3 partial view, "mission": the vector}``.
* :func:`bot_demonstrations`, :func:`save_demonstrations`, :func:`load_demonstrations`: the BabyAI bot's
  demonstrations, kept in an ``.npz`` that knows its level.
* :func:`evaluate_level`: success rate and mean episode length on held-out level seeds, many episodes at once.
* :func:`stepping_speed`: steps per second through the adapter, one environment or a batch of them.

The networks, the behaviour cloning and the RL agent are the lesson: they live in the notebook.

Also what the course plumbing reads from the chapter (``HEADLINES``, ``DATA_FOLDERS``, ``Sizes`` and ``SIZES``:
:mod:`labkit.course.chapters`) and its exercise checks.
"""
from __future__ import annotations

import contextlib
import io
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tf_agents.environments import py_environment
from tf_agents.specs import array_spec
from tf_agents.trajectories import time_step as ts

from labkit.course.exercises import check, close_to

# the bundled data folders notebook 11 reads (what DATA_DIR="real" fetches for it: labkit.course.fetch)
DATA_FOLDERS: tuple[str, ...] = ()
# the headline figures of notebook 11, each recorded with the baseline it must beat (tests/test_notebooks.py)
HEADLINES = [
    "babyai_gotoobj_success", "babyai_gotolocal_success", "babyai_gotolocal_success_bow",
]


@dataclass(frozen=True)
class Sizes:
    """Notebook 11's fields of the profiles (``labkit.course.profiles`` joins every chapter's): a notebook reads
    them as ``lab.profile.<field>``."""

    babyai_obj_demos: tuple[int, ...]  # GoToObj: bot demonstrations per point of the success-vs-demonstrations curve
    babyai_local_demos: tuple[int, ...]  # GoToLocal: the same curve; its last agent is fine-tuned by RL and ablated
    babyai_bc_epochs: int  # passes over the demonstrations (behaviour cloning)
    babyai_rl_iterations: int  # REINFORCE updates of the cloned GoToLocal agent
    babyai_rl_episodes: int  # episodes per REINFORCE update (one per environment of the batch)
    babyai_rl_learning_rate: float  # Adam's step size for the REINFORCE updates (small: it starts from a good policy)
    babyai_eval_episodes: int  # held-out level seeds per success rate


SIZES = {
    "ci": Sizes(
        babyai_obj_demos=(30, 300), babyai_local_demos=(200, 600), babyai_bc_epochs=6, babyai_rl_iterations=3,
        babyai_rl_episodes=8, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=100),
    "laptop": Sizes(
        babyai_obj_demos=(100, 300, 1000), babyai_local_demos=(300, 1000, 3000), babyai_bc_epochs=10,
        babyai_rl_iterations=40, babyai_rl_episodes=32, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=500),
    "gpu": Sizes(
        babyai_obj_demos=(100, 300, 1000), babyai_local_demos=(1000, 3000, 10_000), babyai_bc_epochs=15,
        babyai_rl_iterations=200, babyai_rl_episodes=64, babyai_rl_learning_rate=1e-4, babyai_eval_episodes=1000),
}

# Short names of the levels the kit uses, and the gymnasium ids minigrid registers for them.
LEVELS = {
    "GoToObj": "BabyAI-GoToObj-v0",  # one room, one object: "go to the red ball"
    "GoToLocal": "BabyAI-GoToLocal-v0",  # one room, 8 distractors: the named object must be told apart
    "PickupLoc": "BabyAI-PickupLoc-v0",  # "pick up the ball in front of you": locations in the language
    "PutNextLocal": "BabyAI-PutNextLocal-v0",  # two steps: "put the red ball next to the blue key"
}
# Held-out level seeds start here; demonstrations and RL training use seeds below it.
HELDOUT_SEED_START = 1_000_000
# The words of the BabyAI missions of these levels (colours, objects, locations and instruction words).
BABYAI_WORDS = ("go", "to", "the", "a", "pick", "up", "put", "next", "open", "door", "ball", "box", "key",
                "red", "green", "blue", "purple", "yellow", "grey", "in", "front", "of", "you", "behind",
                "on", "your", "left", "right", "and", "then", "after", "you")
IMAGE_SHAPE = (7, 7, 3)  # the agent's partial view: (object type, colour, state) per cell
MAX_CODE = 10  # the largest code in the view (minigrid's OBJECT_TO_IDX: 0-10; colours 0-5; door states 0-2)


# --- levels ----------------------------------------------------------------------------


def level_id(name: str) -> str:
    """The gymnasium id of the BabyAI level called ``name`` (``GoToObj`` -> ``BabyAI-GoToObj-v0``)."""
    if name not in LEVELS:
        raise ValueError(f"level={name!r} is unknown; available levels: {', '.join(LEVELS)}")
    return LEVELS[name]


def make_level(name: str, **kwargs):
    """A fresh gymnasium environment of level ``name`` (see :data:`LEVELS`)."""
    import gymnasium
    import minigrid  # noqa: F401  - registers the BabyAI levels with gymnasium

    return gymnasium.make(level_id(name), **kwargs)


_QUIET = threading.Lock()


@contextlib.contextmanager
def _quiet():
    """minigrid prints "Sampling rejected: unreachable object ..." while it draws a layout: hide it.

    ``redirect_stdout`` swaps the process-wide ``sys.stdout``: two threads doing it at once (a
    ``BatchedPyEnvironment`` resets its environments in threads) could leave the swap in place for good and
    swallow every later print, so one thread at a time."""
    with _QUIET, contextlib.redirect_stdout(io.StringIO()):
        yield


# --- the adapter -------------------------------------------------------------------------


class GymnasiumEnvironment(py_environment.PyEnvironment):
    """A gymnasium environment as a TF-Agents ``PyEnvironment``.

    ``observe(observation) -> array or dict of arrays`` turns gymnasium's observation into the one the agent
    sees, and ``observation_spec`` describes it. ``seeds``: the level seed of each episode in turn (a finite
    sequence is cycled; ``None``: gymnasium draws the layouts from ``seed``). Discrete actions only.

    Time steps: ``terminated`` -> ``ts.termination`` (discount 0); ``truncated`` (time limit) ->
    ``ts.truncation`` (discount 1); else ``ts.transition``. After the last step, ``step`` starts a new episode
    (TF-Agents' convention). ``last_info``, ``last_seed`` and ``episode_steps`` say what happened.
    """

    def __init__(self, env, observe: Callable, observation_spec, seeds: Iterable[int] | None = None,
                 seed: int | None = None):
        super().__init__()
        import gymnasium

        if not isinstance(env.action_space, gymnasium.spaces.Discrete):
            raise ValueError(f"env.action_space is {env.action_space}; the adapter handles Discrete actions only")
        self.env, self._observe, self._observation_spec = env, observe, observation_spec
        n = int(env.action_space.n)
        self._action_spec = array_spec.BoundedArraySpec((), np.int32, 0, n - 1, "action")
        self._seeds = list(seeds) if seeds is not None else None
        self._next, self._first_seed = 0, seed
        self.last_info, self.last_seed, self.episode_steps = {}, None, 0
        self.gym_observation, self._pending = None, None

    def observation_spec(self):
        return self._observation_spec

    def action_spec(self):
        return self._action_spec

    def reset_to(self, seed: int):
        """Start an episode on level seed ``seed`` (the following resets go on with ``seeds`` as before)."""
        self._pending = int(seed)
        return self.reset()

    def _reset(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            seed = pending
        elif self._seeds is not None:
            seed = self._seeds[self._next % len(self._seeds)]
            self._next += 1
        else:
            seed, self._first_seed = self._first_seed, None  # seed once; later resets continue the stream
        with _quiet():
            observation, self.last_info = self.env.reset(seed=None if seed is None else int(seed))
        self.last_seed, self.episode_steps, self.gym_observation = seed, 0, observation
        return ts.restart(self._observe(observation))

    def _step(self, action):
        if self.current_time_step() is not None and self.current_time_step().is_last():
            return self.reset()
        observation, reward, terminated, truncated, self.last_info = self.env.step(int(action))
        self.episode_steps += 1
        self.gym_observation = observation
        seen, reward = self._observe(observation), np.asarray(reward, np.float32)
        if terminated:
            return ts.termination(seen, reward)
        if truncated:
            return ts.truncation(seen, reward)
        return ts.transition(seen, reward)

    def render(self, mode: str = "rgb_array"):
        if mode != "rgb_array":
            raise ValueError(f"mode={mode!r} is not supported; expected 'rgb_array'")
        return self.env.unwrapped.get_frame(highlight=True, tile_size=16) if hasattr(self.env.unwrapped, "get_frame") \
            else self.env.render()

    def close(self):
        self.env.close()


# --- missions as vectors -------------------------------------------------------------------


def mission_words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


class MissionEncoder:
    """Mission string -> fixed float32 vector, computed once per string and cached.

    ``embed(texts) -> (len(texts), dim)``; ``unknown(word) -> bool`` says whether a word is outside the
    encoder's vocabulary: such words are embedded as ``[UNK]``, and the encoder says so once.
    """

    def __init__(self, embed: Callable[[list[str]], np.ndarray], dim: int, name: str,
                 unknown: Callable[[str], bool] | None = None):
        self._embed, self.dim, self.name, self._unknown = embed, int(dim), name, unknown
        self._cache: dict[str, np.ndarray] = {}
        self.unknown_words: set[str] = set()
        self._told = False

    def __call__(self, mission: str) -> np.ndarray:
        vector = self._cache.get(mission)
        if vector is None:
            self.embed_all([mission])
            vector = self._cache[mission]
        return vector

    def embed_all(self, missions: Sequence[str]) -> np.ndarray:
        """Embed (and cache) many missions at once: one batch through the encoder."""
        new = [m for m in dict.fromkeys(missions) if m not in self._cache]
        if new:
            self._note_unknown(new)
            vectors = np.asarray(self._embed(new), np.float32).reshape(len(new), self.dim)
            for mission, vector in zip(new, vectors):
                vector.flags.writeable = False
                self._cache[mission] = vector
        return np.stack([self._cache[m] for m in missions]) if missions else np.zeros((0, self.dim), np.float32)

    def _note_unknown(self, missions: Sequence[str]) -> None:
        if self._unknown is None:
            return
        for mission in missions:
            missing = [w for w in dict.fromkeys(mission_words(mission)) if self._unknown(w)]
            self.unknown_words.update(missing)
            if missing and not self._told:
                self._told = True
                print(f"note: the {self.name} mission encoder's vocabulary lacks {', '.join(map(repr, missing))} "
                      f"(in {mission!r}): such words are embedded as [UNK], so missions that differ only there look "
                      f"alike to the agent. (Said once; every such word: .unknown_words)")


def encoder_missions(bundle, batch_size: int = 256) -> MissionEncoder:
    """Missions embedded by the kit's pretrained encoder (``labkit.course.artifacts.load_encoder(lab)``): its hidden
    states averaged over the mission's tokens (``labkit.blocks.encoder.embed_sentences``)."""
    from labkit.blocks.encoder import embed_sentences
    from labkit.blocks.text import UNK_ID, tokenize

    def unknown(word: str) -> bool:
        return bool((tokenize(bundle.tokenizer, [word])[0] == UNK_ID).any())

    return MissionEncoder(lambda texts: embed_sentences(bundle, list(texts), batch_size), bundle.hidden_dim,
                          "pretrained", unknown)


def bow_missions(vocabulary: Sequence[str] = BABYAI_WORDS) -> MissionEncoder:
    """Missions as a bag of words: one count per word of ``vocabulary`` (plus one column for any other word,
    its ``[UNK]``). Word order is lost: "put the red ball next to the blue key" and "put the blue ball next to
    the red key" become the same vector."""
    index = {w: i for i, w in enumerate(dict.fromkeys(vocabulary))}

    def embed(texts):
        out = np.zeros((len(texts), len(index) + 1), np.float32)
        for row, text in enumerate(texts):
            for word in mission_words(text):
                out[row, index.get(word, len(index))] += 1.0
        return out

    return MissionEncoder(embed, len(index) + 1, "bag-of-words", lambda w: w not in index)


def zero_missions(dim: int) -> MissionEncoder:
    """The no-language ablation: every mission becomes the same vector of zeros."""
    return MissionEncoder(lambda texts: np.zeros((len(texts), dim), np.float32), dim, "zeroed")


def told_missions(missions: MissionEncoder, text: str) -> MissionEncoder:
    """Your own mission: every episode's mission becomes the vector ``missions`` gives ``text``, whatever the
    level asks. The level still judges success by its own mission (:func:`mission` says which it is)."""
    vector = missions(text)
    return MissionEncoder(lambda texts: np.repeat(vector[None], len(texts), axis=0), missions.dim,
                          f"{missions.name}, told {text!r}")


# --- BabyAI through TF-Agents --------------------------------------------------------------------


def observation_spec(mission_dim: int) -> dict:
    # every code of the view is at most 10 (object types 0-10, colours 0-5, states 0-2); the bound is not
    # uint8's 255 because TF-Agents samples a bounded spec with maxval = maximum + 1, which overflows uint8
    return {"image": array_spec.BoundedArraySpec(IMAGE_SHAPE, np.uint8, 0, MAX_CODE, "image"),
            "mission": array_spec.ArraySpec((mission_dim,), np.float32, "mission")}


def babyai_environment(level: str, missions: MissionEncoder, seeds: Iterable[int] | None = None,
                       seed: int | None = None, max_steps: int | None = None) -> GymnasiumEnvironment:
    """Level ``level`` as a TF-Agents environment. Observation: ``{"image": uint8 (7, 7, 3), "mission":
    float32 (missions.dim,)}``; actions 0-6 (left, right, forward, pickup, drop, toggle, done).
    ``seeds``: the level seed of each episode in turn (held-out evaluation: :func:`heldout_seeds`)."""
    env = make_level(level, **({"max_steps": max_steps} if max_steps else {}))

    def observe(observation):
        return {"image": observation["image"], "mission": missions(observation["mission"])}

    adapter = GymnasiumEnvironment(env, observe, observation_spec(missions.dim), seeds=seeds, seed=seed)
    adapter.level = level
    return adapter


def mission(env: GymnasiumEnvironment) -> str:
    """The mission of the episode ``env`` is playing."""
    return env.env.unwrapped.mission


def heldout_seeds(episodes: int) -> list[int]:
    """Level seeds for evaluation: never used for demonstrations or training (those stay below
    :data:`HELDOUT_SEED_START`)."""
    return list(range(HELDOUT_SEED_START, HELDOUT_SEED_START + episodes))


# --- the bot's demonstrations ----------------------------------------------------------------------


@dataclass
class Demonstrations:
    """The bot's demonstrations of one level, one row per step.

    ``images`` uint8 (steps, 7, 7, 3); ``actions`` int32 (steps,); ``mission_ids`` int32 (steps,), indexes into
    ``missions``; ``episodes`` int32 (steps,), the demonstration each step belongs to; ``seeds`` the level seed
    of each demonstration; ``success`` whether the bot succeeded in each.
    """

    level: str
    images: np.ndarray
    actions: np.ndarray
    mission_ids: np.ndarray
    missions: list[str]
    episodes: np.ndarray
    seeds: np.ndarray
    success: np.ndarray

    @property
    def count(self) -> int:
        return len(self.seeds)

    def first(self, n: int) -> "Demonstrations":
        """The first ``n`` demonstrations (the same steps whatever ``n``: nested subsets for a learning curve)."""
        if not 1 <= n <= self.count:
            raise ValueError(f"n={n} must be between 1 and the {self.count} demonstrations held")
        keep = self.episodes < n
        return Demonstrations(self.level, self.images[keep], self.actions[keep], self.mission_ids[keep],
                              self.missions, self.episodes[keep], self.seeds[:n], self.success[:n])

    def observations(self, encoder: MissionEncoder) -> dict:
        """The steps as a batch of observations for the agent's network, missions embedded by ``encoder``."""
        vectors = encoder.embed_all(self.missions)
        return {"image": self.images, "mission": vectors[self.mission_ids]}


def bot_demonstrations(level: str, count: int, first_seed: int = 0) -> Demonstrations:
    """``count`` episodes of minigrid's BabyAI bot on level seeds ``first_seed``, ``first_seed + 1``, ...

    The bot (``minigrid.utils.baby_ai_bot.BabyAIBot``) plans from the full state of the level, so its
    actions are an expert's; the images recorded are what the agent itself sees.
    """
    from minigrid.utils.baby_ai_bot import BabyAIBot

    if count < 1:
        raise ValueError(f"count={count} must be at least 1")
    if first_seed + count > HELDOUT_SEED_START:
        raise ValueError(f"demonstration seeds must stay below {HELDOUT_SEED_START} (the held-out seeds)")
    env = make_level(level)
    images, actions, mission_ids, episodes, success, missions = [], [], [], [], [], {}
    for episode in range(count):
        with _quiet():
            observation, _ = env.reset(seed=first_seed + episode)
        bot = BabyAIBot(env)
        mid = missions.setdefault(observation["mission"], len(missions))
        reward = 0.0
        for _ in range(env.unwrapped.max_steps):
            action = int(bot.replan())
            images.append(observation["image"]); actions.append(action)
            mission_ids.append(mid); episodes.append(episode)
            observation, reward, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                break
        success.append(reward > 0)
    env.close()
    return Demonstrations(level, np.asarray(images, np.uint8), np.asarray(actions, np.int32),
                          np.asarray(mission_ids, np.int32), list(missions), np.asarray(episodes, np.int32),
                          np.arange(first_seed, first_seed + count), np.asarray(success, bool))


def save_demonstrations(demos: Demonstrations, path: str | Path) -> Path:
    """Write ``demos`` to an ``.npz`` (the level's name inside)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, level=demos.level, images=demos.images, actions=demos.actions,
                        mission_ids=demos.mission_ids, missions=np.asarray(demos.missions),
                        episodes=demos.episodes, seeds=demos.seeds, success=demos.success)
    return path


def load_demonstrations(path: str | Path, level: str) -> Demonstrations:
    """Read demonstrations of ``level`` from ``path``; a file made on another level is refused."""
    level_id(level)
    with np.load(Path(path), allow_pickle=False) as data:
        made_on = str(data["level"])
        if made_on != level:
            raise ValueError(f"{path} holds demonstrations of level {made_on!r}, not {level!r}: an agent cloned "
                             f"from them would learn another task. Make {level} demonstrations with "
                             f"bot_demonstrations({level!r}, n), or load this file with level={made_on!r}.")
        return Demonstrations(made_on, data["images"], data["actions"], data["mission_ids"],
                              [str(m) for m in data["missions"]], data["episodes"], data["seeds"], data["success"])


def demonstrations(level: str, count: int, folder: str | Path) -> Demonstrations:
    """``count`` bot demonstrations of ``level``, read from ``folder/babyai_<level>_<count>.npz`` when made
    before, else made now and saved there."""
    path = Path(folder) / f"babyai_{level}_{count}.npz"
    if path.is_file():
        return load_demonstrations(path, level)
    demos = bot_demonstrations(level, count)
    save_demonstrations(demos, path)
    return demos


# --- evaluation -----------------------------------------------------------------------------------


@dataclass
class LevelEvaluation:
    """What :func:`evaluate_level` measured: over ``episodes`` episodes on held-out seeds."""

    success_rate: float  # fraction of episodes that ended in success (the level's reward > 0)
    mean_length: float  # mean steps per episode (failures count with all their steps)
    mean_return: float  # minigrid's reward: 1 - 0.9 * steps / max_steps on success, else 0
    episodes: int


def _act_function(policy) -> Callable[[dict], np.ndarray]:
    """A batched observation dict -> actions: a TF-Agents policy (greedy one recommended) or a callable."""
    if not hasattr(policy, "time_step_spec"):
        return lambda observation: np.asarray(policy(observation))
    import tensorflow as tf

    action = tf.function(policy.action)

    def act(observation):
        n = len(observation["image"])
        step = ts.TimeStep(tf.fill([n], ts.StepType.MID), tf.zeros([n]), tf.ones([n]),
                           tf.nest.map_structure(tf.convert_to_tensor, observation))
        return action(step).action.numpy()
    return act


def evaluate_level(level: str, policy, missions: MissionEncoder, seeds: Sequence[int], batch: int = 64) -> LevelEvaluation:
    """Play one episode per level seed in ``seeds`` with ``policy``, ``batch`` episodes side by side.

    ``policy``: a TF-Agents policy (its ``action`` is called on a batch of time steps) or any callable from a
    batch of observations ``{"image", "mission"}`` to actions.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: evaluate needs at least one level seed")
    act = _act_function(policy)
    returns, lengths, successes = [], [], []
    envs = [babyai_environment(level, missions) for _ in range(min(batch, len(seeds)))]
    todo = list(reversed(seeds))
    running = {}  # env index -> (time step, return)
    for i, env in enumerate(envs):
        running[i] = [env.reset_to(todo.pop()), 0.0]
    while running:
        ids = list(running)
        observation = {k: np.stack([running[i][0].observation[k] for i in ids]) for k in ("image", "mission")}
        actions = act(observation)
        for i, action in zip(ids, actions):
            step = envs[i].step(action)
            running[i][0] = step
            running[i][1] += float(step.reward)
            if step.is_last():
                returns.append(running[i][1]); lengths.append(envs[i].episode_steps)
                successes.append(running[i][1] > 0)
                if todo:
                    running[i] = [envs[i].reset_to(todo.pop()), 0.0]
                else:
                    del running[i]
    for env in envs:
        env.close()
    return LevelEvaluation(float(np.mean(successes)), float(np.mean(lengths)), float(np.mean(returns)), len(seeds))


def random_actions(num_actions: int = 3, seed: int = 0) -> Callable[[dict], np.ndarray]:
    """A random policy over the first ``num_actions`` actions (3: left, right, forward, all a GoTo needs)."""
    rng = np.random.default_rng(seed)
    return lambda observation: rng.integers(num_actions, size=len(observation["image"]))


# --- speed ------------------------------------------------------------------------------------


def stepping_speed(level: str, missions: MissionEncoder, steps: int = 2000, num_envs: int = 1,
                   seed: int = 0) -> float:
    """Steps per second through the adapter with random actions: one environment, or ``num_envs`` stepped as
    one batch by ``tf_agents``' ``BatchedPyEnvironment`` (in threads; counting the steps of all of them)."""
    from tf_agents.environments import batched_py_environment

    rng = np.random.default_rng(seed)
    envs = [babyai_environment(level, missions, seed=seed + i) for i in range(num_envs)]
    env = envs[0] if num_envs == 1 else batched_py_environment.BatchedPyEnvironment(envs, multithreading=True)
    env.reset()
    rounds = max(steps // num_envs, 1)
    start = time.perf_counter()
    for _ in range(rounds):
        action = rng.integers(3, size=num_envs).astype(np.int32)
        env.step(action[0] if num_envs == 1 else action)
    seconds = time.perf_counter() - start
    env.close()
    return rounds * num_envs / seconds


# --- exercise checks: each computes the expected answer from the learner's own data (so checks hold with DATA_DIR too) ----------


def check_babyai_forward_share(lab, answer, demos) -> str:
    expected = float((demos.actions == 2).mean())
    return check(lab, "11.1 share of forward", answer, close_to(expected, 1e-6),
                 "demos.actions holds one action per step; forward is action 2: the mean of (demos.actions == 2)")


def check_babyai_success_reward(lab, answer, steps, max_steps) -> str:
    expected = 1 - 0.9 * steps / max_steps
    return check(lab, "11.2 success reward", answer, close_to(expected, 1e-6),
                 "minigrid pays 1 - 0.9 * (steps taken / max_steps) for a success")


def check_babyai_truncation_discount(lab, answer) -> str:
    return check(lab, "11.3 truncation discount", answer, lambda a: a is not None and float(a) == 1.0,
                 "a truncated episode was only cut off: does the value of what would have followed vanish?")


def check_mission_encoding(lab, answer, missions: Sequence[str] = ()) -> str:
    """Exercise 11.4: ``answer(mission) -> vector`` must give one finite vector of the same length for every
    mission, from which a linear probe fitted on the "go to the <colour> <object>" missions reads the colour and the
    object of missions worded otherwise ("go to a ...", "pick up the ...", and ``missions``, the demonstrations'
    ones) with at least 95 % accuracy each. The zeroed mission (every mission the same vector) is at chance."""
    from sklearn.linear_model import LogisticRegression

    colours, kinds = ("red", "green", "blue", "purple", "yellow", "grey"), ("ball", "box", "key")
    fit = [(f"go to the {c} {k}", c, k) for c in colours for k in kinds]
    held = [(f"{verb} {article} {c} {k}", c, k) for verb, article in (("go to", "a"), ("pick up", "the"),
                                                                       ("pick up", "a")) for c in colours for k in kinds]
    for text in dict.fromkeys(missions):
        words = mission_words(text)
        cs, ks = [w for w in words if w in colours], [w for w in words if w in kinds]
        if len(cs) == 1 and len(ks) == 1:
            held.append((text, cs[0], ks[0]))

    def right(encode):
        vectors = [np.asarray(encode(text), float).reshape(-1) for text, _, _ in fit + held]
        if len({len(v) for v in vectors}) != 1:
            raise ValueError("every mission must give a vector of the same length")
        x = np.stack(vectors)
        if not np.isfinite(x).all():
            raise ValueError("a vector holds NaN or an infinity")
        scores = {}
        for name, column in (("colour", 1), ("object", 2)):
            labels = [row[column] for row in fit + held]
            probe = LogisticRegression(C=100.0, max_iter=2000).fit(x[: len(fit)], labels[: len(fit)])
            scores[name] = float(np.mean(probe.predict(x[len(fit):]) == np.asarray(labels[len(fit):])))
        print(f"a linear probe fitted on {len(fit)} 'go to the ...' missions reads, from your vectors of {len(held)} "
              f"missions worded otherwise: the colour {scores['colour']:.0%} right (chance: {1 / len(colours):.0%}), "
              f"the object {scores['object']:.0%} (chance: {1 / len(kinds):.0%})")
        return min(scores.values()) >= 0.95
    return check(lab, "11.4 a mission encoding", answer, right,
                 "count the words: a vector of len(ch11.BABYAI_WORDS) + 1 zeros, then for each word of "
                 "ch11.mission_words(mission) add 1 at its index in BABYAI_WORDS (the last entry for a word not "
                 "there); a vector that depends on the whole string (a hash, say) tells nothing about new wordings")
