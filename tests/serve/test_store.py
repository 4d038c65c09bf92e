"""The migrations build exactly the declared tables, and re-running them is harmless."""

from __future__ import annotations

from sqlalchemy import inspect

from periodization.serve.db import make_engine, migrate
from periodization.serve.tables import Base


def test_migrations_match_the_tables(app):
    engine = app.state.ctx.engine
    migrate(engine)  # a second upgrade is a no-op
    found = inspect(engine)
    for name, table in Base.metadata.tables.items():
        cols = {c["name"] for c in found.get_columns(name)}
        assert cols == {c.name for c in table.columns}, name
        pk = set(found.get_pk_constraint(name)["constrained_columns"])
        assert pk == {c.name for c in table.primary_key.columns}, name


def test_a_bad_store_url_is_one_line():
    import pytest

    from periodization.core.errors import UserError

    with pytest.raises(UserError, match="cannot open the store") as info:
        make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(info.value) and "\n" not in str(info.value)
