"""Create a scenario (主题/一件事) and its first draft.

The code is derived (YJS + the lead agency's region + the next free sequence) unless the editor
gives one; see models/scenarios.py. Members are checked to be published service items when the
draft is submitted and published (catalog_api/catalog/rules.py), so a scenario can be prepared
while its items are still being published.
"""

from typing import Any

from catalog_api.catalog.commands.create_list_record import _create
from catalog_api.catalog.kinds import SCENARIO
from catalog_api.db import Tx
from models.codes import SCENARIO_PREFIX


async def create_scenario(
    tx: Tx,
    *,
    agency_uscc: str,
    content: dict[str, Any],
    actor: str | None,
    code: str | None = None,
    change_note: str | None = None,
) -> tuple[Any, Any]:
    """`agency_uscc`: the lead agency (牵头部门)."""
    return await _create(
        tx, SCENARIO, SCENARIO_PREFIX, agency_uscc, code, content, actor, change_note
    )
