"""The API's recommendation is ``periodize recommend --json``'s: the same fields and,
from the same export, the same values (the stored history round-trips the import)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from periodization.cli import app as cli
from tests.serve.conftest import new_user


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return type(value).__name__


def test_api_and_cli_give_the_same_recommendation(app, year_export):
    c, user = new_user(app)
    with open(year_export, "rb") as fh:
        c.post(f"/api/athletes/{user['id']}/upload", files={"file": ("year.csv", fh)},
               headers={"x-csrf-token": user["csrf"]})
    api = c.get(f"/api/athletes/{user['id']}/recommendation").json()
    out = CliRunner().invoke(cli, ["recommend", "--data", str(year_export), "--json"])
    assert out.exit_code == 0, out.output
    cli_json = json.loads(out.output)
    assert _shape(api) == _shape(cli_json)
    for key in ("athlete_id", "source"):  # the id and the file's path differ by design
        api.pop(key), cli_json.pop(key)
    assert api == cli_json
