"""Findings of the web app's hostile-request audit, each a client error now, on SQLite and
on a real PostgreSQL server: days outside the importer's window, validation errors that
echoed unencodable input, ids no key can hold, a carriage return in a calendar name and
a plain-text upload far larger than any daily export."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.serve.conftest import PASSWORD, new_user


def _upload(c, user, path):
    with open(path, "rb") as fh:
        return c.post(f"/api/athletes/{user['id']}/upload", files={"file": (path.name, fh)},
                      headers={"x-csrf-token": user["csrf"]})


@pytest.mark.parametrize("route, body", [("log", {"action": "REST"}), ("ill", {"ill": True})])
@pytest.mark.parametrize("date", ["0001-01-01", "1989-12-31", "2999-01-01"])
def test_a_day_outside_the_importers_window_is_refused_and_nothing_breaks(
        app, year_export, route, body, date):
    """A year-1 day was stored, then every recommendation of the athlete was a 500."""
    c, user = new_user(app)
    assert _upload(c, user, year_export).status_code == 200
    base, h = f"/api/athletes/{user['id']}", {"x-csrf-token": user["csrf"]}
    r = c.post(f"{base}/{route}", json={**body, "date": date}, headers=h)
    assert r.status_code == 400, r.text
    assert "outside 1990-01-01.." in r.json()["detail"]
    assert len(c.get(f"{base}/days").json()) == 365
    assert c.get(f"{base}/recommendation").status_code == 200


def test_the_default_day_is_the_last_stored_even_two_days_ahead(app, year_export, tmp_path):
    """The importer keeps days up to today + 2; /log without a date used to refuse the
    last of them as 'a day in the future', a date the client never sent."""
    lines = year_export.read_text().splitlines()
    ahead = dt.date.today() + dt.timedelta(days=2)
    last = lines[-1].split(",")
    path = tmp_path / "ahead.csv"
    path.write_text("\n".join([*lines, ",".join([ahead.isoformat(), *last[1:]])]) + "\n")
    c, user = new_user(app)
    assert _upload(c, user, path).status_code == 200, "the importer keeps today + 2"
    r = c.post(f"/api/athletes/{user['id']}/log", json={"action": "REST"},
               headers={"x-csrf-token": user["csrf"]})
    assert r.status_code == 200, r.text
    assert r.json()["date"] == ahead.isoformat()


@pytest.mark.parametrize("path, body", [
    ("/api/tokens", '{"email": NaN, "password": "x"}'),
    ("/api/tokens", '{"email": "a@example.org", "password": "\\ud800"}'),
    ("/api/signup", '{"email": -Infinity, "password": "x", "role": "athlete"}'),
])
def test_a_validation_error_never_echoes_what_json_cannot_hold(client, path, body):
    r = client.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert all("input" not in e and e["loc"] for e in r.json()["detail"])


@pytest.mark.parametrize("athlete_id", ["99999999999999999999", "9223372036854775808",
                                        "2147483648", "-1"])
def test_an_id_no_key_can_hold_is_404_for_a_coach(app, athlete_id):
    c, _ = new_user(app, "coach")
    for path in (f"/api/athletes/{athlete_id}", f"/api/athletes/{athlete_id}/plan.ics",
                 f"/athletes/{athlete_id}"):
        assert c.get(path).status_code == 404, path


def test_a_carriage_return_in_a_name_cannot_add_calendar_lines(app, year_export):
    from fastapi.testclient import TestClient

    c = TestClient(app)
    name = "Ann\rEND:VCALENDAR\rBEGIN:VEVENT\rSUMMARY:injected"
    r = c.post("/api/signup", json={"email": "cr-ics@example.org", "password": PASSWORD,
                                    "role": "athlete", "name": name})
    assert r.status_code in (200, 201), r.text
    token = c.post("/api/tokens", json={"email": "cr-ics@example.org",
                                        "password": PASSWORD}).json()["token"]
    h = {"authorization": f"Bearer {token}"}
    me = c.get("/api/me", headers=h).json()
    with open(year_export, "rb") as fh:
        assert c.post(f"/api/athletes/{me['id']}/upload", files={"file": ("y.csv", fh)},
                      headers=h).status_code == 200
    ics = c.get(f"/api/athletes/{me['id']}/plan.ics", headers=h).text
    lines = ics.replace("\r\n", "\n").split("\n")
    assert "\r" not in ics.replace("\r\n", "")
    assert not any(line.startswith(("END:VCALENDAR", "SUMMARY:injected")) and i < len(lines) - 2
                   for i, line in enumerate(lines))


def test_a_plain_upload_far_larger_than_a_daily_export_is_refused(app, tmp_path):
    """A 450 MB CSV was read (5.3 GB of the server's memory) and stored as 60 days."""
    from periodization.serve.upload import MAX_PLAIN_UPLOAD_BYTES

    c, user = new_user(app)
    for head in (b"date,hrv_rmssd_ms\n", b"PK,date,hrv_rmssd_ms\n"):  # "PK" is no zip
        big = tmp_path / "big.csv"
        with open(big, "wb") as fh:
            fh.write(head)
            fh.truncate(MAX_PLAIN_UPLOAD_BYTES + 1)  # sparse: no disk written
        r = _upload(c, user, big)
        assert r.status_code == 400, r.text
        assert "this server reads CSV uploads up to" in r.json()["detail"]
    assert c.get(f"/api/athletes/{user['id']}/days").json() == []
