"""The TF-Agents agents of notebook 03, built small: one collect step and one train step must run.

(The instruction agent's network exists only in notebook 03; its ci run trains it.)
"""
import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
import numpy as np
import tensorflow as tf
from tf_agents.agents.dqn import dqn_agent
from tf_agents.agents.reinforce import reinforce_agent
from tf_agents.drivers import dynamic_episode_driver, dynamic_step_driver
from tf_agents.environments import suite_gym, tf_py_environment
from tf_agents.networks import actor_distribution_network, sequential
from tf_agents.replay_buffers import tf_uniform_replay_buffer

from labkit.blocks import rl


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


def test_sampled_batches_draw_from_the_buffer_as_it_is_when_asked():
    spec = tf.TensorSpec((), tf.int32)
    buffer = tf_uniform_replay_buffer.TFUniformReplayBuffer(spec, batch_size=1, max_length=100)
    buffer.add_batch(tf.constant([0]))
    buffer.add_batch(tf.constant([1]))
    batches = rl.sampled_batches(buffer, batch_size=32, num_steps=2)
    first, _ = next(batches)
    assert first.shape == (32, 2) and set(first[:, 0].numpy()) == {0}  # only the pair (0, 1) exists yet
    for value in range(2, 10):
        buffer.add_batch(tf.constant([value]))
    later, _ = next(batches)
    assert later.numpy()[:, 0].max() > 1  # sampled after the additions, not prefetched before them
