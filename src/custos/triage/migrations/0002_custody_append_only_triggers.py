"""Chain of custody is immutable: UPDATE and DELETE on triage_custodyevent are refused by the database.

Same pattern as core 0002 (audit trail): triggers on SQLite and PostgreSQL, whatever the client.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

MESSAGE = "chain-of-custody events are append-only"
SQLITE_UP = [
    f"""CREATE TRIGGER triage_custodyevent_no_update BEFORE UPDATE ON triage_custodyevent
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER triage_custodyevent_no_delete BEFORE DELETE ON triage_custodyevent
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS triage_custodyevent_no_update;",
    "DROP TRIGGER IF EXISTS triage_custodyevent_no_delete;",
]
PG_UP = [
    f"""CREATE OR REPLACE FUNCTION triage_custodyevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER triage_custodyevent_no_update_delete BEFORE UPDATE OR DELETE ON triage_custodyevent
       FOR EACH ROW EXECUTE FUNCTION triage_custodyevent_append_only();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS triage_custodyevent_no_update_delete ON triage_custodyevent;",
    "DROP FUNCTION IF EXISTS triage_custodyevent_append_only();",
]


def up(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_UP
    elif vendor == "postgresql":
        statements = PG_UP
    else:
        raise RuntimeError(f"Custos supports SQLite and PostgreSQL, not {vendor}")
    for sql in statements:
        schema_editor.execute(sql)


def down(apps: Any, schema_editor: Any) -> None:
    for sql in SQLITE_DOWN if schema_editor.connection.vendor == "sqlite" else PG_DOWN:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
