"""The Jinan demo catalog (济南市政务服务事项) as validated seed records.

`load_demo()` reads seed/data/*.yaml and returns regions, agencies, the basic catalog (parents
before children), the implementation list and the files the guides reference. It is pure and
deterministic: no database, no clock, no randomness beyond stable hashes; the loader feeds the
result to the database commands.
"""

from seed.catalog_data import load_catalog
from seed.forms import demo_attachments
from seed.guides import build_service_items
from seed.lists import load_fee_items, load_intermediaries
from seed.records import (
    AgencySeed,
    CatalogSeed,
    DemoCatalog,
    FileSeed,
    ListSeed,
    RegionSeed,
    ScenarioSeed,
    ServiceSeed,
)
from seed.reference import load_agencies, load_regions
from seed.scenarios import load_scenarios

__all__ = [
    "AgencySeed",
    "CatalogSeed",
    "DemoCatalog",
    "FileSeed",
    "ListSeed",
    "RegionSeed",
    "ScenarioSeed",
    "ServiceSeed",
    "load_demo",
]


def load_demo() -> DemoCatalog:
    files = demo_attachments()
    agencies = load_agencies()
    catalog = load_catalog(files)
    service_items = build_service_items(catalog, agencies, files)
    return DemoCatalog(
        regions=load_regions(),
        agencies=[profile.seed for profile in agencies],
        catalog_items=[entry.seed for entry in catalog],
        service_items=service_items,
        files=list(files.files),
        fee_items=load_fee_items(agencies),
        intermediary_services=load_intermediaries(agencies),
        scenarios=load_scenarios(agencies, service_items),
    )
