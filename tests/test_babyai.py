"""labkit.ch11: the gymnasium -> TF-Agents adapter, BabyAI levels, missions as vectors, the bot's demonstrations.

Nothing here downloads anything: minigrid generates its levels locally.
"""
import numpy as np
import pytest

import labkit  # noqa: F401  - sets the Keras flags before TensorFlow loads

pytest.importorskip("minigrid")
from tf_agents.environments import utils  # noqa: E402
from tf_agents.trajectories import time_step as ts  # noqa: E402

from labkit import ch11  # noqa: E402


@pytest.fixture(scope="module")
def bow():
    return ch11.bow_missions()


def test_the_adapter_passes_validate_py_environment(bow):
    env = ch11.babyai_environment("GoToLocal", bow, seed=0)
    utils.validate_py_environment(env, episodes=3)
    observation = env.reset().observation
    assert observation["image"].shape == (7, 7, 3) and observation["image"].dtype == np.uint8
    assert observation["mission"].shape == (bow.dim,)


class _Scripted:
    """A tiny gymnasium-like environment that ends with ``terminated`` or ``truncated`` after two steps."""

    def __init__(self, end):
        import gymnasium

        self.action_space, self.end, self.t = gymnasium.spaces.Discrete(2), end, 0

    def reset(self, seed=None):
        self.t = 0
        return np.zeros(1, np.float32), {}

    def step(self, action):
        self.t += 1
        done = self.t == 2
        return (np.full(1, self.t, np.float32), 1.0, done and self.end == "terminated",
                done and self.end == "truncated", {})

    def close(self):
        pass


@pytest.mark.parametrize("end, discount", [("terminated", 0.0), ("truncated", 1.0)])
def test_terminated_and_truncated_stay_apart(end, discount):
    from tf_agents.specs import array_spec

    env = ch11.GymnasiumEnvironment(_Scripted(end), lambda o: o, array_spec.ArraySpec((1,), np.float32))
    assert env.reset().step_type == ts.StepType.FIRST
    middle = env.step(np.int32(0))
    assert middle.step_type == ts.StepType.MID and middle.discount == 1.0
    last = env.step(np.int32(0))
    assert last.step_type == ts.StepType.LAST and last.discount == discount and last.reward == 1.0
    assert env.step(np.int32(0)).step_type == ts.StepType.FIRST  # the step after the last starts anew


def test_a_babyai_success_is_a_termination(bow):
    env = ch11.babyai_environment("GoToObj", bow, seeds=[3])
    demos = ch11.bot_demonstrations("GoToObj", 1, first_seed=3)
    step = env.reset()
    for action in demos.actions:
        step = env.step(np.int32(action))
    assert step.is_last() and step.discount == 0.0 and step.reward > 0


def test_a_time_limit_is_a_truncation(bow):
    env = ch11.babyai_environment("GoToObj", bow, seeds=[3], max_steps=2)
    env.reset()
    steps = [env.step(np.int32(0)) for _ in range(2)]  # turning left never reaches the object
    assert steps[-1].is_last() and steps[-1].discount == 1.0 and steps[-1].reward == 0.0


def test_an_unknown_level_lists_the_available_ones():
    with pytest.raises(ValueError, match="available levels: GoToObj, GoToLocal"):
        ch11.level_id("GoToEverything")


def test_the_same_seed_gives_the_same_level(bow):
    first = ch11.babyai_environment("GoToLocal", bow, seeds=[7]).reset().observation["image"]
    again = ch11.babyai_environment("GoToLocal", bow, seeds=[7]).reset().observation["image"]
    assert (first == again).all()


def test_bot_demonstrations_succeed_and_a_file_knows_its_level(tmp_path):
    demos = ch11.bot_demonstrations("GoToLocal", 5)
    assert demos.success.all() and demos.count == 5 and set(demos.episodes) == set(range(5))
    assert len(demos.images) == len(demos.actions) == len(demos.mission_ids)
    path = ch11.save_demonstrations(demos, tmp_path / "demos.npz")
    again = ch11.load_demonstrations(path, "GoToLocal")
    assert (again.actions == demos.actions).all() and again.missions == demos.missions
    assert again.first(2).count == 2 and (again.first(2).episodes < 2).all()
    with pytest.raises(ValueError, match="holds demonstrations of level 'GoToLocal', not 'GoToObj'"):
        ch11.load_demonstrations(path, "GoToObj")


def test_heldout_seeds_never_meet_demonstration_seeds():
    assert min(ch11.heldout_seeds(10)) >= ch11.HELDOUT_SEED_START
    with pytest.raises(ValueError, match="below"):
        ch11.bot_demonstrations("GoToObj", 2, first_seed=ch11.HELDOUT_SEED_START - 1)


def test_unknown_words_are_said_once(capsys):
    encoder = ch11.MissionEncoder(lambda texts: np.ones((len(texts), 3)), 3, "toy",
                                    unknown=lambda w: w in ("purple", "grey"))
    encoder("go to the red ball")
    assert capsys.readouterr().out == ""
    encoder("go to the purple ball")
    encoder("go to the grey key")
    out = capsys.readouterr().out
    assert out.count("[UNK]") == 1 and "'purple'" in out
    assert encoder.unknown_words == {"purple", "grey"}


def test_bag_of_words_counts_words_and_drops_their_order(bow):
    a, b = bow("put the red ball next to the blue key"), bow("put the blue ball next to the red key")
    assert (a == b).all() and a.sum() == 9
    assert bow("go to the zebra")[-1] == 1.0  # the [UNK] column
    assert ch11.zero_missions(4)("go to the red ball").tolist() == [0.0] * 4


def test_told_missions_give_every_episode_your_own_mission(bow):
    told = ch11.told_missions(bow, "go to the purple box")
    env = ch11.babyai_environment("GoToLocal", told, seeds=[7])
    observation = env.reset().observation["mission"]
    assert (observation == bow("go to the purple box")).all() and ch11.mission(env) != "go to the purple box"


def test_evaluate_reports_success_and_length(bow):
    result = ch11.evaluate_level("GoToObj", ch11.random_actions(), bow, ch11.heldout_seeds(6), batch=4)
    assert result.episodes == 6 and 0.0 <= result.success_rate <= 1.0 and 1 <= result.mean_length <= 64


def test_stepping_speed_is_positive(bow):
    assert ch11.stepping_speed("GoToObj", bow, steps=50) > 0
    assert ch11.stepping_speed("GoToObj", bow, steps=50, num_envs=2) > 0


def test_the_adapter_runs_gymnasium_cartpole():
    """Not only BabyAI: any gymnasium environment with discrete actions (CartPole ends by falling or by its limit)."""
    import gymnasium
    from tf_agents.specs import array_spec

    env = ch11.GymnasiumEnvironment(gymnasium.make("CartPole-v1"), lambda o: np.asarray(o, np.float32),
                                      array_spec.ArraySpec((4,), np.float32, "observation"), seed=0)
    utils.validate_py_environment(env, episodes=2)
    step, steps = env.reset(), 0
    while not step.is_last():
        step, steps = env.step(np.int32(0)), steps + 1  # always pushing left: the pole falls
    assert step.discount == 0.0 and steps < 500
