"""The seed records handed to the loader: plain frozen dataclasses around validated content."""

from dataclasses import dataclass, field

from models.content import (
    CatalogItemContent,
    FeeItemContent,
    IntermediaryServiceContent,
    ServiceItemContent,
)
from models.enums import AgencyNature, ExerciseLevel, RegionLevel
from models.scenario_content import ScenarioContent


@dataclass(frozen=True)
class RegionSeed:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@dataclass(frozen=True)
class AgencySeed:
    uscc: str
    name: str
    short_name: str | None
    region_code: str
    level: ExerciseLevel
    nature: AgencyNature
    address: str | None
    phone: str | None


@dataclass(frozen=True)
class CatalogSeed:
    """`code`: a 12-char basic code, or 14 chars for a handling item (sub-item code + 2 digits)."""

    code: str
    parent_code: str | None
    content: CatalogItemContent


@dataclass(frozen=True)
class ServiceSeed:
    agency_uscc: str
    level: ExerciseLevel
    catalog_code: str
    content: ServiceItemContent


@dataclass(frozen=True)
class ListSeed:
    """A fee item or intermediary service with its explicit code and owning agency."""

    code: str
    agency_uscc: str
    content: FeeItemContent | IntermediaryServiceContent


@dataclass(frozen=True)
class ScenarioSeed:
    """A scenario (一件事) with its explicit code and lead agency (牵头部门)."""

    code: str
    agency_uscc: str
    content: ScenarioContent


@dataclass(frozen=True)
class FileSeed:
    """A blank form, filled sample or result sample; referenced by `hashlib.sha256(data)`."""

    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DemoCatalog:
    regions: list[RegionSeed]
    agencies: list[AgencySeed]
    catalog_items: list[CatalogSeed]
    service_items: list[ServiceSeed]
    files: list[FileSeed]
    fee_items: list[ListSeed] = field(default_factory=list)
    intermediary_services: list[ListSeed] = field(default_factory=list)
    scenarios: list[ScenarioSeed] = field(default_factory=list)
