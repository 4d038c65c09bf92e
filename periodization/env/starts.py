"""Where episodes start: an athlete of a cohort split on a day of their history, or a fresh
athlete from a prior after a lived-in burn-in.

A sampler turns one numpy Generator per new episode into an ``EpisodeStart`` batch. Each
episode's choices (athlete, day, noise key) come only from its own Generator, so a vector
environment and single environments with the same seeds start the same episodes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from periodization.calibration.history import EPOCH_MONDAY
from periodization.cohort.behaviour import behaviour_action, sample_traits
from periodization.cohort.dataset import PreparedCohort, hidden_for
from periodization.core.errors import DataError
from periodization.env import mornings
from periodization.features import daily as F
from periodization.sim import day, dynamics
from periodization.sim.batch import take
from periodization.sim.noise import KeyedRandom, derive_keys
from periodization.sim.params import AthleteParams
from periodization.sim.prior import Prior
from periodization.sim.state import HIDDEN_FIELDS, INT_FIELDS, AthleteState

MIN_HISTORY_DAYS = 28  # an episode starts once the HRV baseline window is full


@dataclass(frozen=True)
class EpisodeStart:
    """k new episodes: true parameters and state, feature history, identity, noise key."""

    params: AthleteParams
    state: AthleteState
    features: F.FeatureState  # history *before* the first morning
    athlete_id: np.ndarray  # (k,) object
    noise_key: np.ndarray  # (k,) uint64


def _draw_words(rngs: list[np.random.Generator]) -> np.ndarray:
    """One raw 64-bit word from each episode's generator; everything else is hashed from it
    (vectorised), so starting 1024 episodes costs 1024 cheap calls, not 3072 slow ones."""
    return np.array([r.bit_generator.random_raw() for r in rngs], dtype=np.uint64)


class CohortStarts:
    """Starts on a random day (after ``MIN_HISTORY_DAYS``) of a random athlete of a split."""

    def __init__(self, prepared: PreparedCohort, split: str, *, prior: Prior | None = None
                 ) -> None:
        ids = prepared.athletes(split)
        table = prepared.pre.table
        order = {a: i for i, a in enumerate(prepared.features.athlete_ids)}
        self.ids = np.array(ids, dtype=object)
        self.columns = np.array([order[a] for a in ids])
        first = table.groupby("athlete_id", sort=True).indices
        self.first_row = np.array([first[a][0] for a in ids])
        self.length = np.array([len(first[a]) for a in ids])
        if (self.length <= 1).any():
            raise DataError(f"split '{split}' has athletes with a single day of data")
        self.params = prepared.cohort.athlete_params(ids, prior)
        hidden = hidden_for(prepared)
        self.hidden = {f: hidden[f].to_numpy() for f in HIDDEN_FIELDS}
        self.day = ((table["date"] - EPOCH_MONDAY).dt.days).to_numpy(dtype=np.int64)
        self.load = table["load"].fillna(0.0).to_numpy(dtype=np.float64)
        self.action = table["action"].to_numpy(dtype=np.int64)
        states = prepared.features.states
        if states is None:
            raise ValueError("prepared cohort was featurised without keep_states")
        # (days, athletes, ...) stacks of the pre-morning feature state.
        self.feature_stack = {
            f.name: np.stack([getattr(s, f.name) for s in states])
            for f in dataclasses.fields(F.FeatureState)
        }

    def sample(self, rngs: list[np.random.Generator]) -> EpisodeStart:
        words = _draw_words(rngs)
        which = (derive_keys(words, stream=1) % np.uint64(len(self.ids))).astype(np.int64)
        length = self.length[which]
        low = np.minimum(MIN_HISTORY_DAYS, length - 1)
        span = (length - low).astype(np.uint64)
        offset = low + (derive_keys(words, stream=2) % span).astype(np.int64)
        keys = derive_keys(words, stream=3)
        row = self.first_row[which] + offset
        state = AthleteState(
            day=self.day[row],
            **{f: self.hidden[f][row].astype(np.int64 if f in INT_FIELDS else np.float64)
               for f in HIDDEN_FIELDS},
            last_load=self.load[row - 1],
            last_action=self.action[row - 1],
        )
        cols = self.columns[which]
        fstate = F.FeatureState(**{k: v[offset, cols] for k, v in self.feature_stack.items()})
        return EpisodeStart(params=take(self.params, which), state=state, features=fstate,
                            athlete_id=self.ids[which], noise_key=keys)


class PriorStarts:
    """Fresh athletes from a prior, after ``burn_in_days`` of ordinary training."""

    def __init__(self, prior: Prior, *, burn_in_days: int = 56) -> None:
        self.prior = prior
        self.burn_in_days = burn_in_days

    def sample(self, rngs: list[np.random.Generator]) -> EpisodeStart:
        return self.start_words(_draw_words(rngs))

    def start_words(self, words: np.ndarray) -> EpisodeStart:
        """The starts of one raw uint64 word per episode (what ``sample`` draws)."""
        keys = derive_keys(words, stream=3)
        k = len(words)
        kr = KeyedRandom(derive_keys(keys, stream=1))  # burn-in stream; episodes use ``keys``
        params = self.prior.sample(k, kr)
        state = dynamics.initial(params, day=(kr.random(k) * 7).astype(np.int64))
        lived = burn_in(params, state, kr, days=self.burn_in_days)
        # 16 hex digits: 1000s of athletes never share an id (8 decimal digits did, 1 in 200)
        ids = np.array([f"prior-{int(x):016x}" for x in keys], dtype=object)
        return EpisodeStart(params=params, state=lived.state, features=lived.features,
                            athlete_id=ids, noise_key=keys)


class BlockStarts:
    """``blocks`` episodes of each of ``len(words)`` fresh athletes: row r is block
    r % blocks of athlete r // blocks. The athlete (parameters, burn-in, starting state)
    comes from its own word; each block's noise from the row's generator, so blocks of one
    athlete differ only in what happens during the block. Starts every row at once."""

    def __init__(self, base: PriorStarts, words: np.ndarray, blocks: int) -> None:
        self.base, self.blocks = base, blocks
        self.words = np.asarray(words, dtype=np.uint64)

    def sample(self, rngs: list[np.random.Generator]) -> EpisodeStart:
        rows = len(self.words) * self.blocks
        if len(rngs) != rows:
            raise ValueError(f"BlockStarts starts all {rows} rows at once, got {len(rngs)}")
        athletes = self.base.start_words(self.words)
        which = np.repeat(np.arange(len(self.words)), self.blocks)
        return EpisodeStart(params=take(athletes.params, which),
                            state=take(athletes.state, which),
                            features=take(athletes.features, which),
                            athlete_id=athletes.athlete_id[which],
                            noise_key=derive_keys(_draw_words(rngs), stream=3))


@dataclass(frozen=True)
class BurnIn:
    """Athletes after ``days`` of ordinary training, and what they did (days, N)."""

    state: AthleteState  # the morning after the last burn-in day
    features: F.FeatureState  # feature history before that morning
    loads: np.ndarray  # (days, N) realised load of each day, TSS
    actions: np.ndarray  # (days, N) int64, action ids carried out


def burn_in(params: AthleteParams, state: AthleteState, rng: KeyedRandom, *, days: int
            ) -> BurnIn:
    """``days`` of the behaviour policy (no training camp, no break) from ``state``: the
    lived-in history every fresh athlete from a prior starts with. All draws (habits,
    daily choices, dynamics and wearable noise) come from ``rng``, in a fixed order."""
    k = params.n
    traits = sample_traits(params.optimal_load, days, rng)
    traits = dataclasses.replace(traits, camp_start=np.full(k, -1), break_start=np.full(k, -1))
    fstate = F.initial_state(k, atl=state.atl, ctl=state.ctl, weekday=state.weekday)
    loads = np.empty((days, k))
    actions = np.empty((days, k), dtype=np.int64)
    morning = day.wake(state, params, rng)
    for d in range(days):  # the order of ``sim.day``; no rules: the behaviour has no mask
        fstate = mornings.see(fstate, morning, safety=None).features
        s = morning.state
        a = behaviour_action(traits, day=d, weekday=s.weekday, recovery=morning.obs.recovery,
                             ill=s.ill, rng=rng)
        morning = day.live(s, a, params, rng)
        fstate = mornings.record(fstate, morning.state, pop=params.pop)
        loads[d], actions[d] = morning.state.last_load, a
    # the next episode starts on this morning; its features are computed from the history
    # *before* it (the stream's last reading, taken by ``live``, is not used)
    return BurnIn(state=morning.state, features=fstate, loads=loads, actions=actions)
