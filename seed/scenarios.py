"""The demo's scenarios (主题/一件事, scenarios.yaml): each member names a catalog leaf and the
implementing agency, and becomes that agency's service item's implementation code."""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from models.codes import derive_implementation_code
from models.enums import ScenarioTheme, ServiceObject
from models.scenario_content import ScenarioContent
from seed.records import ScenarioSeed, ServiceSeed
from seed.reference import AgencyProfile
from seed.yaml_data import member, members, read_yaml


@lru_cache(maxsize=1)
def scenario_catalogue() -> Mapping[str, Mapping[str, Any]]:
    return read_yaml("scenarios.yaml")  # type: ignore[no-any-return]


def load_scenarios(
    agencies: list[AgencyProfile], service_items: list[ServiceSeed]
) -> list[ScenarioSeed]:
    usccs = {profile.seed.name: profile.seed.uscc for profile in agencies}
    codes = {
        (service.catalog_code, service.agency_uscc): derive_implementation_code(
            service.agency_uscc,
            service.level,
            service.catalog_code[:12],
            service.catalog_code[12:] or None,
        )
        for service in service_items
    }
    seeds = []
    for name, spec in scenario_catalogue().items():
        content = ScenarioContent(
            name=name,
            theme=member(ScenarioTheme, spec["theme"]),
            service_objects=members(ServiceObject, spec.get("objects")),
            members=[
                {"item": codes[(m["item"], usccs[m["agency"]])], "note": m.get("note")}
                for m in spec["members"]
            ],
            description=spec.get("description"),
            process=spec.get("process"),
            address=spec.get("address"),
            consult_phone=spec.get("phone"),
        )
        seeds.append(ScenarioSeed(spec["code"], usccs[spec["lead"]], content))
    return seeds
