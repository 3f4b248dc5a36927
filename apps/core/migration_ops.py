"""Operations the apps' migrations share."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fillfactor(table: str, percent: int) -> migrations.RunPython:
    """On PostgreSQL, fill `table`'s pages only to `percent` % when inserting. The room left
    lets an update that changes no indexed column write its new row version on the same page
    (a HOT update): no new index entries, and the old version is reclaimed as pages are read,
    without waiting for VACUUM. Pages written before keep their rows until they are rewritten
    (VACUUM FULL) or freed. Other databases: nothing (the setting is PostgreSQL's)."""

    def storage(setting: str) -> Any:
        def run(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {setting}")

        return run

    return migrations.RunPython(
        storage(f"SET (fillfactor = {int(percent)})"), storage("RESET (fillfactor)")
    )
