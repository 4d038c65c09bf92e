"""The config loader against a fuzz corpus (``corpus/*.yaml``, each saying what it expects
on its first line) and against generated configs (Hypothesis): every file is either a
valid ``RunConfig`` — finite, in range, no rule weakened while on — or one refusal line."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from periodization.core.errors import UserError
from periodization.env.constraints import RULE_LIMITS
from periodization.training.config import RunConfig, load_config, to_dict
from tests.hostile.helpers import assert_one_line, assert_refused, invoke

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))
DEFAULTS = to_dict(RunConfig())
def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus(path, tmp_path):
    expected = expectation(path)
    if expected == "ok":
        assert isinstance(load_config(path), RunConfig)
        return
    assert_refused(invoke("train", "--config", path, "--out", tmp_path / "r"), expected)
    assert not (tmp_path / "r").exists()


def test_the_corpus_covers_every_section():
    text = "".join(p.read_text(errors="replace") for p in CORPUS)
    for name in DEFAULTS:
        assert f"{name}:" in text
        if name == "env":
            assert all(f"{k}:" in text for k in ("safety", "reward", "num_envs", "block_days"))
    assert len(CORPUS) >= 50


ODD_VALUES = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
              | st.floats(allow_nan=True, allow_infinity=True)
              | st.text(max_size=12) | st.lists(st.integers(-5, 5000), max_size=10)
              | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def weighted(*choices):
    """One of the strategies, drawn with the given weights."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def near(value):
    """Mostly the default or values near it (the edges where ranges bite), sometimes
    anything at all."""
    if isinstance(value, bool):
        edge = st.booleans()
    elif isinstance(value, int):
        edge = st.integers(-2, 2 * max(value, 10)) | st.sampled_from([0, -1, 10**9])
    elif isinstance(value, float):
        edge = (st.floats(-2 * abs(value) - 1, 2 * abs(value) + 1) | st.just(math.nan)
                | st.just(math.inf))
    elif isinstance(value, list):
        edge = st.lists(st.integers(-1, 5000), max_size=10)
    else:
        edge = st.just(value)
    return weighted((4, st.just(value)), (4, edge), (1, ODD_VALUES))


def section(defaults: dict):
    keys = {k: (section(v) if isinstance(v, dict) else near(v)) for k, v in defaults.items()}
    mapping = st.fixed_dictionaries({}, optional=keys)
    typo = st.fixed_dictionaries({"typo": ODD_VALUES})
    return weighted((18, mapping), (1, st.builds(lambda a, b: {**a, **b}, mapping, typo)),
                    (1, ODD_VALUES))


CONFIGS = st.fixed_dictionaries({}, optional={k: section(v) for k, v in DEFAULTS.items()})


def check_valid(config: RunConfig) -> None:
    """What a config that loads guarantees."""
    def walk(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(value):
                walk(value)
            elif isinstance(value, float):
                assert math.isfinite(value), f.name
    walk(config)
    safety = config.env.safety
    for key, (rule, sign, limit) in RULE_LIMITS.items():
        if getattr(safety, rule):
            value = getattr(safety, key)
            assert value >= limit if sign == "≥" else value <= limit, key
    assert 1 <= config.env.num_envs <= 1024 and 1 <= config.env.block_days <= 365
    assert 0 <= config.train.updates_per_env_step <= 64
    assert all(1 <= w <= 4096 for w in config.sac.hidden) and config.train.seed >= 0


@fuzz_settings(300)
@given(data=CONFIGS)
def test_generated_configs_load_or_are_refused_in_one_line(tmp_path, data):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        config = load_config(path)
    except UserError as exc:
        assert_one_line(exc)
        return
    check_valid(config)


@fuzz_settings(100)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(
    lambda b: b.decode("latin-1")))
def test_any_text_loads_or_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    try:
        config = load_config(path)
    except UserError as exc:
        assert_one_line(exc)
        return
    check_valid(config)
