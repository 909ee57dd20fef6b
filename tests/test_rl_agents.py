"""Each agent of notebook 03, built small: one collect step and one train step must run.

Also checks that the notebook shows the very ``InstructionQNetwork`` that labkit keeps.
"""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import inspect
from pathlib import Path

import nbformat
import numpy as np
import tensorflow as tf
from tf_agents.agents.dqn import dqn_agent
from tf_agents.agents.reinforce import reinforce_agent
from tf_agents.drivers import dynamic_episode_driver, dynamic_step_driver
from tf_agents.environments import batched_py_environment, suite_gym, tf_py_environment
from tf_agents.networks import actor_distribution_network, sequential
from tf_agents.replay_buffers import tf_uniform_replay_buffer
from tf_agents.utils import common

from labkit import rl
from labkit.instruction_world import InstructionWorld
from test_instruction_world import bag_of_words

ROOT = Path(__file__).resolve().parents[1]


def collect_and_train_dqn(env, agent, n_step=1):
    """Collect a few steps into a replay buffer, then one DQN update; returns the loss."""
    buffer = tf_uniform_replay_buffer.TFUniformReplayBuffer(agent.collect_data_spec, env.batch_size, 100)
    dynamic_step_driver.DynamicStepDriver(env, agent.collect_policy, [buffer.add_batch], num_steps=8).run()
    experience, _ = next(iter(buffer.as_dataset(sample_batch_size=4, num_steps=n_step + 1)))
    return float(agent.train(experience).loss)


def test_dqn_on_cartpole():
    env = tf_py_environment.TFPyEnvironment(suite_gym.load("CartPole-v1"))
    q_net = sequential.Sequential([tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(2)])
    agent = dqn_agent.DqnAgent(env.time_step_spec(), env.action_spec(), q_network=q_net,
                               optimizer=tf.keras.optimizers.Adam(1e-3),
                               train_step_counter=tf.Variable(0, dtype=tf.int64))
    agent.initialize()
    assert np.isfinite(collect_and_train_dqn(env, agent))
    assert int(agent.train_step_counter.numpy()) == 1


def test_reinforce_on_cartpole():
    env = tf_py_environment.TFPyEnvironment(suite_gym.load("CartPole-v1"))
    actor = actor_distribution_network.ActorDistributionNetwork(
        env.observation_spec(), env.action_spec(), fc_layer_params=(8,))
    agent = reinforce_agent.ReinforceAgent(env.time_step_spec(), env.action_spec(), actor_network=actor,
                                           optimizer=tf.keras.optimizers.Adam(1e-3),
                                           train_step_counter=tf.Variable(0, dtype=tf.int64))
    agent.initialize()
    buffer = tf_uniform_replay_buffer.TFUniformReplayBuffer(agent.collect_data_spec, 1, 600)
    dynamic_episode_driver.DynamicEpisodeDriver(env, agent.collect_policy, [buffer.add_batch], num_episodes=1).run()
    assert np.isfinite(float(agent.train(buffer.gather_all()).loss))


def test_instruction_agent_with_attention_q_network():
    env = tf_py_environment.TFPyEnvironment(batched_py_environment.BatchedPyEnvironment(
        [InstructionWorld(bag_of_words, seed=i, shaping_gamma=0.9) for i in range(2)]))
    q_net = rl.InstructionQNetwork(env.observation_spec(), env.action_spec(), hidden=(8,))
    agent = dqn_agent.DqnAgent(env.time_step_spec(), env.action_spec(), q_network=q_net,
                               optimizer=tf.keras.optimizers.Adam(1e-3), n_step_update=2, gamma=0.9,
                               train_step_counter=tf.Variable(0, dtype=tf.int64))
    agent.initialize()
    assert np.isfinite(collect_and_train_dqn(env, agent, n_step=2))
    weights = q_net.attention(env.current_time_step().observation)
    assert weights.shape == (2, 4)
    np.testing.assert_allclose(tf.reduce_sum(weights, -1), 1.0, rtol=1e-5)


def test_the_notebook_shows_the_same_network_as_labkit():
    cells = [c.source for c in nbformat.read(ROOT / "notebooks" / "03_reinforcement_learning.ipynb", 4).cells]
    assert inspect.getsource(rl.InstructionQNetwork).rstrip() in cells
