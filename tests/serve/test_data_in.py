"""Uploads, idempotent merging, refused files and the athlete's own reports, on SQLite
and on a real PostgreSQL server."""

from __future__ import annotations

import zipfile

from tests.serve.conftest import new_user


def _upload(c, user, path, name=None):
    with open(path, "rb") as fh:
        return c.post(f"/api/athletes/{user['id']}/upload",
                      files={"file": (name or path.name, fh)},
                      headers={"x-csrf-token": user["csrf"]})


def test_upload_merges_idempotently(app, year_export):
    c, user = new_user(app)
    first = _upload(c, user, year_export)
    assert first.status_code == 200, first.text
    assert first.json()["added"] == 365 and first.json()["format"] == "generic"
    days = c.get(f"/api/athletes/{user['id']}/days").json()
    again = _upload(c, user, year_export)
    assert again.json() == {**first.json(), "added": 0, "unchanged": 365}
    assert c.get(f"/api/athletes/{user['id']}/days").json() == days


def test_a_new_export_adds_only_its_new_days(app, year_export, tmp_path):
    c, user = new_user(app)
    lines = year_export.read_text().splitlines()
    head = tmp_path / "part.csv"
    head.write_text("\n".join(lines[:301]) + "\n")  # header + the first 300 days
    assert _upload(c, user, head).json()["added"] == 300
    r = _upload(c, user, year_export).json()
    assert (r["added"], r["updated"], r["unchanged"]) == (65, 0, 300)
    assert len(c.get(f"/api/athletes/{user['id']}/days").json()) == 365


def test_refused_uploads_store_nothing(app, year_export, tmp_path):
    c, user = new_user(app)
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,hrv\nnot-a-date,abc\n")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("physiological_cycles.csv", b"a" * (40 * 1024 * 1024))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path in (png, bad, bomb, empty):
        r = _upload(c, user, path)
        assert r.status_code == 400, (path.name, r.text)
        detail = r.json()["detail"]
        assert "\n" not in detail and path.name in detail and "/tmp" not in detail
    assert c.get(f"/api/athletes/{user['id']}/days").json() == []
    # a good export goes through after the refusals
    assert _upload(c, user, year_export).status_code == 200


def test_an_export_of_many_athletes_is_refused(app, tmp_path):
    from tests.stand_in import export_rows, write_export

    c, user = new_user(app)
    many = write_export(tmp_path / "team.csv", export_rows(athletes=2, days=30, seed=1),
                        with_id=True)
    r = _upload(c, user, many)
    assert r.status_code == 400 and "2 athletes" in r.json()["detail"]
    assert c.get(f"/api/athletes/{user['id']}/days").json() == []


def test_log_and_ill_change_the_advice(app, year_export):
    c, user = new_user(app)
    _upload(c, user, year_export)
    base = f"/api/athletes/{user['id']}"
    before = c.get(f"{base}/recommendation").json()
    h = {"x-csrf-token": user["csrf"]}
    r = c.post(f"{base}/ill", json={"ill": True}, headers=h)
    assert r.status_code == 200 and r.json()["date"] == before["date"]
    ill = c.get(f"{base}/recommendation").json()
    assert ill["action"] in ("REST", "ACTIVE_RECOVERY")
    assert {m["action"] for m in ill["masked"]} >= {"TEMPO", "HIIT", "STRENGTH"}
    assert c.post(f"{base}/ill", json={"ill": False}, headers=h).status_code == 200
    assert c.get(f"{base}/recommendation").json() == before
    r = c.post(f"{base}/log", json={"action": "HIIT"}, headers=h)
    assert r.json() == {"date": before["date"], "logged": "HIIT"}
    last = c.get(f"{base}/days").json()[-1]
    assert last["logged"] == "HIIT" and last["date"] == before["date"]
    assert c.post(f"{base}/log", json={"action": "NAP"}, headers=h).status_code == 400


def test_uploads_from_the_page(app, year_export):
    c, user = new_user(app)
    with open(year_export, "rb") as fh:
        r = c.post(f"/athletes/{user['id']}/upload", data={"csrf": user["csrf"]},
                   files={"file": ("year.csv", fh)}, follow_redirects=False)
    assert r.status_code == 303 and "365+new" in r.headers["location"]
    page = c.get(f"/athletes/{user['id']}").text
    assert 'id="session"' in page and "<svg" in page
    import re

    # everything the page loads comes from the package: no CDN, works offline
    assert re.findall(r'(?:src|href)="([^"]+)"', page)
    assert not [u for u in re.findall(r'(?:src|href)="([^"]+)"', page) if "//" in u]
    r = c.post(f"/athletes/{user['id']}/log", data={"csrf": user["csrf"], "action": "REST"},
               follow_redirects=False)
    assert r.status_code == 303
    assert c.get(f"/api/athletes/{user['id']}/days").json()[-1]["logged"] == "REST"
