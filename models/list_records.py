"""Fee items (行政事业性收费清单) and intermediary services (中介服务事项清单), each with its
versions, kept through the one versioning mechanism like the catalog.

Codes. A list record's code is `prefix` + the county-level region code (6 digits) of the agency
that owns it + a 3-digit sequence within that prefix and region: `SF370100001` is a fee item
(收费) collected by a Jinan municipal agency, `ZJ370102003` an intermediary service (中介)
required by a 历下区 agency. The create command derives the next free sequence; an editor (or
an import) may instead give the code explicitly, which is accepted only in that shape and with
the owning agency's region, so codes stay stable, unique and readable as the lists publish them.
The owning agency is the fee's collecting agency (执收部门) or the intermediary service's
approving agency (审批部门); its editors may edit the record (catalog administrators any).
"""

import uuid

from sqlmodel import Field

from models.versioning import RecordColumns, VersionColumns, version_table_args


class FeeItem(RecordColumns, table=True):
    """A fee item; `agency_id` is its collecting agency (执收部门)."""

    __tablename__ = "fee_item"

    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)


class FeeItemVersion(VersionColumns, table=True):
    __tablename__ = "fee_item_version"
    __table_args__ = version_table_args("fee_item_version")

    record_id: uuid.UUID = Field(foreign_key="fee_item.id")


class IntermediaryService(RecordColumns, table=True):
    """An intermediary service; `agency_id` is the approving agency that requires it."""

    __tablename__ = "intermediary_service"

    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)


class IntermediaryServiceVersion(VersionColumns, table=True):
    __tablename__ = "intermediary_service_version"
    __table_args__ = version_table_args("intermediary_service_version")

    record_id: uuid.UUID = Field(foreign_key="intermediary_service.id")
