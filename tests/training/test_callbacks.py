"""Callbacks in isolation: early stopping counts evaluations without a new best."""

from __future__ import annotations

from periodization.training.callbacks import EarlyStopping, RoundReport


def report(*, evaluated: bool, new_best: bool = False) -> RoundReport:
    return RoundReport(episodes=10, env_steps=900, updates=0, wall_s=1.0, train_return=0.0,
                       train_outcome_pct=0.0, train_violations=0.0, reward={}, losses={},
                       env_steps_per_s=1.0, updates_per_s=0.0, final=False,
                       eval={"outcome_pct": 0.0} if evaluated else None, new_best=new_best)


def test_early_stopping_stops_after_patience_stale_evaluations():
    stopper = EarlyStopping(patience=2)
    sequence = [(True, True), (False, False), (True, False), (True, True), (True, False)]
    stops = []
    for evaluated, best in sequence:
        r = report(evaluated=evaluated, new_best=best)
        stopper.on_round_end(None, r)
        stops.append(r.stop)
    assert stops == [False, False, False, False, False]
    r = report(evaluated=True)
    stopper.on_round_end(None, r)
    assert r.stop and stopper.state_dict() == {"stale": 2}


def test_early_stopping_state_survives_a_resume():
    stopper = EarlyStopping(patience=3)
    stopper.on_round_end(None, report(evaluated=True))
    restored = EarlyStopping(patience=3)
    restored.load_state_dict(stopper.state_dict())
    assert restored.stale == 1
