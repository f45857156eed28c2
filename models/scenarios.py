"""Scenarios (主题/一件事, e.g. 新生儿出生一件事): versioned records grouping several service
items, kept through the one versioning mechanism like the lists.

Codes. A scenario's code is `YJS` (一件事) + the county-level region code (6 digits) of its lead
agency (牵头部门) + a 3-digit sequence within that region: `YJS370100001` is the first scenario
led by a Jinan municipal agency. The create command derives the next free sequence unless the
editor gives the code, accepted only in that shape and with the lead agency's region (as for fee
items, models/list_records.py). The scenario's region is its lead agency's region; editors of
the lead agency may edit it (catalog administrators any).
"""

import uuid

from sqlmodel import Field

from models.versioning import RecordColumns, VersionColumns, version_table_args


class Scenario(RecordColumns, table=True):
    """A scenario; `agency_id` is its lead agency (牵头部门)."""

    __tablename__ = "scenario"

    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)


class ScenarioVersion(VersionColumns, table=True):
    __tablename__ = "scenario_version"
    __table_args__ = version_table_args("scenario_version")

    record_id: uuid.UUID = Field(foreign_key="scenario.id")
    # Filter projection of the content (the theme's code), kept in step by the commands.
    theme: str = Field(max_length=3, index=True)
