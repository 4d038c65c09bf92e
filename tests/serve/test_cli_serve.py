"""``periodize serve``'s face: a bad store is one line and exit 2; the demo seeds once."""

from __future__ import annotations

from typer.testing import CliRunner

from periodization.cli import app as cli


def test_a_bad_store_url_is_one_line_and_exit_2():
    out = CliRunner().invoke(cli, ["serve", "--db", "nosuchdriver://x/y"])
    assert out.exit_code == 2
    lines = [line for line in out.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot open the store" in lines[0]


def test_the_demo_seeds_once_and_every_athlete_is_advised(app):
    from sqlalchemy import func, select

    from periodization.serve.demo import COACH_EMAIL, DEMO_ATHLETES, seed_demo
    from periodization.serve.tables import Day, User

    ctx = app.state.ctx
    with ctx.writing() as db:
        logins = seed_demo(db)
    with ctx.writing() as db:
        assert seed_demo(db) == logins
    with ctx.maker() as db:
        coach = db.scalar(select(User).where(User.email == COACH_EMAIL))
        from periodization.serve.app import team_of

        team = team_of(db, coach)
        assert sorted(u.name for u in team) == sorted(DEMO_ATHLETES)
        days = db.scalar(select(func.count()).select_from(Day).where(
            Day.athlete_id.in_([u.id for u in team])))
        assert days == 150 * len(DEMO_ATHLETES)
        recs = ctx.advice_for(db, team)
    assert all(r is not None and "error" not in r for r in recs.values())
