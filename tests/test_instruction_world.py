import zlib

import numpy as np
import pytest
from tf_agents.environments import utils

from labkit import ch03 as iw
from labkit.ch03 import InstructionWorld


def bag_of_words(texts, dim=16):
    """A cheap stand-in for the encoder: the mean of one fixed random vector per word."""
    def word(w):
        return np.random.default_rng(zlib.crc32(w.encode())).normal(size=dim)
    return np.array([np.mean([word(w) for w in t.split()], axis=0) for t in texts], np.float32)


def walk_to(env, row):
    """Step towards object ``row`` (x first, then y) until the episode ends; returns the last time step."""
    t = env.current_time_step()
    while not t.is_last():
        dx, dy = t.observation["objects"][row, -2:]
        t = env.step(np.int32(3 if dx > 0 else 2 if dx < 0 else 1 if dy > 0 else 0))
    return t


def test_passes_tf_agents_validation():
    utils.validate_py_environment(InstructionWorld(bag_of_words, seed=0), episodes=20)


def test_splits_keep_paraphrases_and_combinations_apart():
    train, para, combo = (set(iw.instructions(s)) for s in iw.SPLITS)
    assert not train & para and not train & combo
    assert set(iw.all_instructions()) == train | para | combo
    assert {iw.ground(t) for t in combo} == set(iw.HELDOUT_COMBINATIONS)
    assert not {iw.ground(t) for t in train} & set(iw.HELDOUT_COMBINATIONS)


def test_observation_holds_the_cached_embedding_of_the_instruction():
    env = InstructionWorld(bag_of_words, split="heldout_paraphrase", seed=1)
    t = env.reset()
    assert env.instruction in iw.instructions("heldout_paraphrase")
    np.testing.assert_allclose(t.observation["instruction"], bag_of_words([env.instruction])[0], rtol=1e-6)
    assert not InstructionWorld(bag_of_words, language=False, seed=1).reset().observation["instruction"].any()


def test_reaching_the_named_object_pays_one_and_ends_the_episode():
    env = InstructionWorld(bag_of_words, seed=2)
    for _ in range(30):
        env.reset()
        target = env.objects.index(env.target)
        t = walk_to(env, target)
        assert tuple(env.agent) == tuple(env.positions[target])  # never more than 4 steps on a wrapped 5 x 5 grid
        assert t.reward == 1.0 and t.discount == 0.0


def test_walking_over_another_object_pays_nothing_and_goes_on():
    env = InstructionWorld(bag_of_words, seed=3)
    env.reset()
    other = next(i for i, o in enumerate(env.objects) if o != env.target)
    x, y = env.positions[other]
    env.agent = ((x - 1) % env.size, y)  # just left of it
    t = env.step(np.int32(3))  # right: onto it
    assert tuple(env.agent) == tuple(env.positions[other])
    assert t.reward == 0.0 and not t.is_last()


@pytest.mark.parametrize("gamma", [0.9, 1.0])
def test_shaping_pays_for_getting_closer_and_telescopes(gamma):
    env = InstructionWorld(bag_of_words, seed=9, shaping_gamma=gamma)
    env.reset()
    target = env.objects.index(env.target)
    distance = lambda: abs((env.positions[target] - env.agent + 2) % 5 - 2).sum() / 4  # phi = -distance
    rewards, start = [], distance()
    t = env.current_time_step()
    while not t.is_last():  # walk straight to the target: every step gets closer
        dx, dy = t.observation["objects"][target, -2:]
        before = distance()
        t = env.step(np.int32(3 if dx > 0 else 2 if dx < 0 else 1 if dy > 0 else 0))
        rewards.append(float(t.reward))
        assert rewards[-1] == pytest.approx(float(t.is_last()) - gamma * distance() + before, abs=1e-6)
    assert all(r > 0 for r in rewards)
    if gamma == 1.0:  # undiscounted, the shaping terms cancel along the path: only phi(start) is left
        assert sum(rewards) == pytest.approx(1.0 + start, abs=1e-5)


def test_shaped_world_passes_validation():
    utils.validate_py_environment(InstructionWorld(bag_of_words, seed=0, shaping_gamma=0.9), episodes=10)


def test_time_limit_truncates_without_reward():
    assert InstructionWorld(bag_of_words, size=5).max_steps == 10  # default: twice the grid size
    env = InstructionWorld(bag_of_words, max_steps=4, seed=4)
    env.start("go to the red ball")
    env.agent, env._cells = (0, 0), {}  # nothing reachable: bump into the corner
    steps = [env.step(np.int32(0)) for _ in range(4)]
    assert [bool(s.is_last()) for s in steps] == [False, False, False, True]
    assert steps[-1].reward == 0.0 and steps[-1].discount == 1.0  # truncated, not terminated
    assert env.step(np.int32(0)).is_first()  # the next step starts a new episode


def test_own_instruction_with_new_wording():
    env = InstructionWorld(bag_of_words, seed=5)
    t = env.start("please walk over to the yellow door")
    assert env.target == ("yellow", "door") and ("yellow", "door") in env.objects
    assert t.is_first() and t.observation["instruction"].shape == (16,)


@pytest.mark.parametrize("text, word", [("go to the pink key", "pink"), ("go to the red dragon", "dragon")])
def test_ungroundable_instruction_names_the_word(text, word):
    env = InstructionWorld(bag_of_words, seed=6)
    with pytest.raises(ValueError, match=f"cannot ground '{word}'"):
        env.start(text)


def test_known_words_ground_and_any_other_word_is_named():
    assert {"please", "red", "key"} <= set(iw.known_words()) and "purple" not in iw.known_words()
    assert iw.ground("please make your way to the red key") == ("red", "key")  # a wording no template has
    with pytest.raises(ValueError, match="the words and, approach"):
        iw.ground("go to the purple key")


def test_instruction_must_name_one_colour_and_one_object():
    with pytest.raises(ValueError, match="exactly one colour"):
        iw.ground("go to the red")


def test_action_outside_the_spec_is_an_error():
    env = InstructionWorld(bag_of_words, seed=7)
    env.reset()
    with pytest.raises(ValueError, match="outside the action spec"):
        env.step(np.int32(4))


def test_bad_arguments():
    with pytest.raises(ValueError, match="split="):
        InstructionWorld(bag_of_words, split="test")
    with pytest.raises(ValueError, match=r"embed\(texts\)"):
        InstructionWorld(lambda texts: np.zeros(3))
    with pytest.raises(ValueError, match="shaping_gamma="):
        InstructionWorld(bag_of_words, shaping_gamma=0.0)


def test_render_draws_the_grid():
    env = InstructionWorld(bag_of_words, size=5, seed=8)
    env.reset()
    image = env.render()
    assert image.shape == (80, 80, 3) and image.dtype == np.uint8
