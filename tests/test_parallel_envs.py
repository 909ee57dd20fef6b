"""Instruction worlds stepped in parallel processes (TF-Agents' ParallelPyEnvironment) and in one process."""
import cloudpickle
import numpy as np
import pytest
import tensorflow as tf
from tf_agents.environments import batched_py_environment, parallel_py_environment
from tf_agents.system import system_multiprocessing as multiprocessing
from tf_agents.system.default import multiprocessing_core

from labkit import ch03 as iw


def embed(texts):
    return np.array([[len(t), t.count(" "), sum(map(ord, t)) % 97] for t in texts], np.float32)


def test_constructors_carry_the_embeddings_not_the_embed_callable():
    makers = iw.world_constructors(embed, 3, seed=5, size=6)
    worlds = [cloudpickle.loads(cloudpickle.dumps(make))() for make in makers]  # as a worker process gets them
    assert [w.size for w in worlds] == [6, 6, 6]
    first = [w.reset().observation["instruction"] for w in worlds]
    assert all(np.array_equal(v, embed([w.instruction])[0]) for v, w in zip(first, worlds))
    assert len({w.instruction + str(w.agent) for w in worlds}) > 1  # seeds 5, 6, 7: different episodes
    with pytest.raises(ValueError, match="not embedded"):
        worlds[0].start("please walk over to the green key")
    with pytest.raises(ValueError, match="count=0"):
        iw.world_constructors(embed, 0)


def test_parallel_worlds_step_like_the_same_worlds_in_one_process():
    if not multiprocessing_core.initialized():
        multiprocessing.enable_interactive_mode()  # what ParallelPyEnvironment asks of a program without handle_main
    makers = iw.world_constructors(embed, 2, seed=0)
    parallel = parallel_py_environment.ParallelPyEnvironment(makers, flatten=True)
    batched = batched_py_environment.BatchedPyEnvironment([make() for make in makers], multithreading=False)
    try:
        actions = np.random.default_rng(0).integers(0, 4, (30, 2)).astype(np.int32)
        steps = [(parallel.reset(), batched.reset())] + [(parallel.step(a), batched.step(a)) for a in actions]
        for p, b in steps:
            assert p.observation["objects"].shape == (2, 4, 10)
            tf.nest.map_structure(np.testing.assert_array_equal, p, b)
    finally:
        parallel.close()
