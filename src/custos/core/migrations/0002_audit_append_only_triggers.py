"""Database-enforced immutability of the audit trail, on SQLite and PostgreSQL.

UPDATE and DELETE on core_auditevent are refused by triggers, whatever the client. (PostgreSQL TRUNCATE
is a table-owner operation that row triggers do not see; production grants the application role no
TRUNCATE privilege — see docs/operations.md.)
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]


def _run(statements: list[str]) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        for sql in statements:
            schema_editor.execute(sql)

    return apply


def up(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(SQLITE_UP)(apps, schema_editor)
    elif vendor == "postgresql":
        _run(PG_UP)(apps, schema_editor)
    else:
        raise RuntimeError(f"Custos supports SQLite and PostgreSQL, not {vendor}")


def down(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _run(SQLITE_DOWN if vendor == "sqlite" else PG_DOWN)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
