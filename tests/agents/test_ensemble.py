"""Several actors served as one: the merged MLP computes the mean of the members' logits,
and ``periodize ensemble`` refuses what it cannot merge in one line, writing nothing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from typer.testing import CliRunner

from periodization.agents.artifacts import ACTOR, load_model, save_model
from periodization.agents.ensemble import merge_actor_weights, write_ensemble
from periodization.agents.numpy_policy import NumpyActor
from periodization.cli import app
from periodization.core.errors import UserError
from periodization.features.scaler import FeatureScaler
from periodization.policies.learned import load_run_policy
from tests.agents.helpers import random_masks

OBS, ACTIONS = 32, 6


def random_actor(rng: np.random.Generator, hidden: tuple[int, ...]) -> dict[str, np.ndarray]:
    widths = (OBS, *hidden, ACTIONS)
    weights = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(widths)):
        weights[f"weight_{i}"] = rng.normal(size=(n_out, n_in)).astype(np.float32)
        weights[f"bias_{i}"] = rng.normal(size=n_out).astype(np.float32)
    return weights


def test_the_merged_actor_gives_the_mean_of_the_members_logits():
    rng = np.random.default_rng(0)
    members = [random_actor(rng, h) for h in ((16, 16), (8, 24), (16, 16))]
    merged = NumpyActor.from_weights(merge_actor_weights(members))
    actors = [NumpyActor.from_weights(m) for m in members]
    obs, mask = rng.normal(size=(500, OBS)), random_masks(500, rng)
    mean = np.mean([a._masked_logits(obs, mask) for a in actors], axis=0)
    np.testing.assert_allclose(merged._masked_logits(obs, mask)[mask], mean[mask], rtol=1e-9,
                               atol=1e-9)
    chosen = merged.act(obs, mask, deterministic=True)
    np.testing.assert_array_equal(chosen, np.where(mask, mean, -np.inf).argmax(axis=1))
    # not a copy of one member: some rows differ from every member's own choice
    own = np.stack([a.act(obs, mask, deterministic=True) for a in actors])
    assert (own != chosen).any(axis=1).all()
    assert merged.obs_dim == OBS and merged.n_actions == ACTIONS


def test_members_that_do_not_line_up_are_refused():
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="numbers of layers"):
        merge_actor_weights([random_actor(rng, (8, 8)), random_actor(rng, (8,))])
    narrow = random_actor(rng, (8, 8))
    narrow["weight_0"] = narrow["weight_0"][:, :17]
    with pytest.raises(ValueError, match="different observations"):
        merge_actor_weights([random_actor(rng, (8, 8)), narrow])
    with pytest.raises(ValueError, match="at least one"):
        merge_actor_weights([])


@pytest.fixture()
def members(tmp_path):
    rng, scaler = np.random.default_rng(2), load_model(None).scaler
    paths = []
    for k in range(3):
        paths.append(save_model(tmp_path / f"m{k}", weights=random_actor(rng, (16, 16)),
                                scaler=scaler, info={"seed": k}))
    return paths


def test_an_ensemble_directory_is_served_like_any_model(members, tmp_path):
    out = tmp_path / "ens"
    info = write_ensemble(members, out, note="three random actors")
    assert info["layer_widths"] == [48, 48, 6] and info["member_seeds"] == [0, 1, 2]
    model = load_model(out)
    assert model.info["note"] == "three random actors"
    policy = load_run_policy(out, env_scaler=model.scaler)  # a model directory, no run.json
    rng = np.random.default_rng(3)
    obs, mask = rng.normal(size=(50, OBS)), random_masks(50, rng)
    expected = NumpyActor.from_weights(merge_actor_weights(
        [dict(np.load(m / ACTOR)) for m in members])).act(obs, mask, deterministic=True)
    np.testing.assert_array_equal(policy.act(obs, mask), expected)


def test_bad_ensembles_are_one_line_and_write_nothing(members, tmp_path):
    other = FeatureScaler(mean=load_model(members[0]).scaler.mean + 1.0,
                          scale=load_model(members[0]).scaler.scale)
    odd = save_model(tmp_path / "odd", weights=random_actor(np.random.default_rng(4), (16, 16)),
                     scaler=other)
    out = tmp_path / "ens"
    with pytest.raises(UserError, match="share one feature scaler"):
        write_ensemble([members[0], odd], out)
    with pytest.raises(UserError, match="2 to 16"):
        write_ensemble([members[0]], out)
    with pytest.raises(UserError, match="one of the members"):
        write_ensemble(members, members[1])
    assert not out.exists()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(UserError, match="not a directory"):
        write_ensemble(members, tmp_path / "a-file")
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text("{}")
    with pytest.raises(UserError, match="is a training run"):
        write_ensemble(members, run, force=True)
    assert sorted(p.name for p in run.iterdir()) == ["run.json"]
    write_ensemble(members[:2], out)
    before = (out / ACTOR).read_bytes()
    runner = CliRunner()
    args = ["ensemble", "--run", str(members[0]), "--run", str(members[2]), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--force" in result.output
    assert (out / ACTOR).read_bytes() == before  # nothing already written is lost
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0 and (out / ACTOR).read_bytes() != before
    missing = runner.invoke(app, ["ensemble", "--run", str(tmp_path / "nope"), "--run",
                                  str(members[0]), "--out", str(tmp_path / "e2")])
    assert missing.exit_code == 2 and "not found" in missing.output
    assert len(missing.output.strip().splitlines()) == 1 and not (tmp_path / "e2").exists()
