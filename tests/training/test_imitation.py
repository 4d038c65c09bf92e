"""Learning from the oracle: the β schedule, which rounds are labelled, labels the oracle
would give, and a resumed run equal to an uninterrupted one."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from periodization.agents.replay import NO_TEACHER
from periodization.training.config import ImitationConfig, RunConfig
from periodization.training.imitation import OracleTeacher
from periodization.training.launch import run_training
from tests.training.conftest import tiny_config
from tests.training.test_resume import assert_same_run, final_state


def test_beta_falls_linearly_to_zero_over_the_labelled_episodes():
    teacher = OracleTeacher(ImitationConfig(weight=2.0, episodes=10), block_days=90)
    assert [teacher.weight_at(s) for s in (0, 450, 899, 900, 5000)] == [
        2.0, 1.0, pytest.approx(2.0 / 900), 0.0, 0.0]
    assert [teacher.teaches(e) for e in (0, 9, 10, 11)] == [True, True, False, False]
    off = OracleTeacher(ImitationConfig(weight=0.0, episodes=10), block_days=90)
    assert off.weight_at(0) == 0.0 and not off.teaches(0)
    assert not OracleTeacher(ImitationConfig(weight=1.0), block_days=90).teaches(0)


def test_imitated_actions_are_named_sessions():
    assert ImitationConfig().imitated().all()
    strength = ImitationConfig(actions=("STRENGTH",)).imitated()
    assert strength.tolist() == [False] * 5 + [True]
    with pytest.raises(ValueError, match="STRENGTH"):
        ImitationConfig(actions=("LIFT",))


def test_imitation_needs_sac():
    with pytest.raises(ValueError, match=r"imitation needs train\.algo sac"):
        RunConfig(imitation=ImitationConfig(weight=1.0, episodes=10),
                  train=dataclasses.replace(RunConfig().train, algo="ppo"))


def imitation_config(cohort_dir, **train):
    config = tiny_config(cohort_dir, **train)
    return dataclasses.replace(config, imitation=ImitationConfig(weight=1.0, episodes=4))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, cohort_dir):
    out = tmp_path_factory.mktemp("imitation") / "run"
    run_training(out=out, config=imitation_config(cohort_dir, episodes=8,
                                                  checkpoint_every_episodes=4), quiet=True)
    return out


def test_the_first_rounds_are_labelled_with_the_oracles_sessions(uninterrupted):
    """Rounds of 2 athletes × 90 days, stored in order: the first 4 episodes (2 rounds,
    360 transitions) carry the oracle's session for that morning, the rest none."""
    _, replay = final_state(uninterrupted)
    teacher, mask = replay["teacher"], replay["action_mask"]
    assert len(teacher) == 8 * 90
    assert (teacher[360:] == NO_TEACHER).all()
    taught = teacher[:360].astype(int)
    assert (taught >= 0).all() and mask[np.arange(360), taught].all()
    assert len(np.unique(taught)) >= 3  # a plan, not one session repeated
    assert (taught != replay["action"][:360]).any()  # the agent acted, not the oracle


def test_a_killed_imitation_run_resumes_to_the_same_numbers(uninterrupted, tmp_path,
                                                            cohort_dir):
    out = tmp_path / "run"
    config = imitation_config(cohort_dir, episodes=8, checkpoint_every_episodes=4)
    run_training(out=out, config=config, episodes=4, quiet=True)
    run_training(out=out, resume=True, episodes=8, quiet=True)
    assert_same_run(uninterrupted, out)


def test_a_run_imitating_strength_only_tells_its_agent_so(tmp_path, cohort_dir):
    from periodization.cohort.cache import prepared_cohort
    from periodization.training.callbacks import CallbackList
    from periodization.training.rundir import RunDir
    from periodization.training.trainer import SACTrainer

    config = dataclasses.replace(tiny_config(cohort_dir), imitation=ImitationConfig(
        weight=1.0, episodes=2, actions=("STRENGTH",)))
    trainer = SACTrainer(config, run=RunDir(tmp_path), prepared=prepared_cohort(
        config.env.cohort), callbacks=CallbackList([]))
    assert trainer.agent.imitated_A.tolist() == [False] * 5 + [True]
