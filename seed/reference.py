"""Regions and implementing agencies of the demo, read from seed/data/{regions,agencies}.yaml."""

from dataclasses import dataclass
from typing import Any

from models.codes import uscc_check_char, validate_uscc
from models.enums import AgencyNature, ExerciseLevel, RegionLevel
from seed.records import AgencySeed, RegionSeed
from seed.yaml_data import member, read_yaml, stable_int

_CATEGORY = {"organ": ("11", AgencyNature.STATUTORY_ORGAN),
             "institution": ("12", AgencyNature.AUTHORISED_ORGANISATION)}


@dataclass(frozen=True)
class AgencyProfile:
    """An agency plus what its guides need: departments, service hall, phones, hours."""

    seed: AgencySeed
    depts: tuple[str, ...]
    hall: str
    supervise_phone: str
    hours: str


def load_regions() -> list[RegionSeed]:
    return [
        RegionSeed(row["code"], row["name"], member(RegionLevel, row["level"]), row.get("parent"))
        for row in read_yaml("regions.yaml")
    ]


def make_uscc(category: str, region6: str, name: str) -> str:
    """1 + category + region + a 9-digit subject id hashed from the name + the check character."""
    subject = f"{stable_int('uscc', name) % 10**9:09d}"
    first17 = f"{category}{region6}{subject}"
    return validate_uscc(first17 + uscc_check_char(first17))


def _agency(row: dict[str, Any], region: str, level: ExerciseLevel) -> AgencySeed:
    category, nature = _CATEGORY[row.get("kind", "organ")]
    return AgencySeed(
        uscc=make_uscc(category, region[:6], row["name"]),
        name=row["name"],
        short_name=row.get("short"),
        region_code=region,
        level=level,
        nature=nature,
        address=row["address"],
        phone=row["phone"],
    )


def _city(data: dict[str, Any]) -> list[AgencyProfile]:
    city = data["city"]
    return [
        AgencyProfile(
            seed=_agency(row, city["region"], ExerciseLevel.MUNICIPAL),
            depts=tuple(row["depts"]),
            hall=row.get("hall", city["hall"]),
            supervise_phone=city["supervise"],
            hours=data["hours"],
        )
        for row in city["agencies"]
    ]


def _districts(data: dict[str, Any], names: dict[str, str]) -> list[AgencyProfile]:
    profiles = []
    for template in data["district_agencies"]:
        for code, district in data["districts"].items():
            if template["in"] != "all" and names[code] not in template["in"]:
                continue
            row = {
                **template,
                "name": template["name"].format(d=names[code]),
                "short": template["short"].format(d=names[code]),
                "address": district["office"],
                "phone": f"0531-{district['prefix']}{template['line']}",
            }
            hall = district["hall"] if template.get("at_hall") else district["office"]
            profiles.append(AgencyProfile(
                seed=_agency(row, code, ExerciseLevel.COUNTY),
                depts=tuple(template["depts"]),
                hall=hall,
                supervise_phone=district["supervise"],
                hours=district.get("hours", data["hours"]),
            ))
    return profiles


def _streets(data: dict[str, Any], names: dict[str, str]) -> list[AgencyProfile]:
    profiles = []
    for row in data["streets"]:
        district = row["region"][:6]
        full = {**row, "name": f"济南市{names[district]}{row['short']}"}
        profiles.append(AgencyProfile(
            seed=_agency(full, row["region"], ExerciseLevel.TOWNSHIP),
            depts=("街道",),
            hall=f"{row['address']}{row['short'].removesuffix('办事处')}便民服务中心",
            supervise_phone=data["districts"][district]["supervise"],
            hours=data["hours"],
        ))
    return profiles


def load_agencies() -> list[AgencyProfile]:
    """City bureaus, then district counterparts (by department, then district), then streets."""
    data = read_yaml("agencies.yaml")
    names = {region.code: region.name for region in load_regions()}
    profiles = _city(data) + _districts(data, names) + _streets(data, names)
    usccs = [profile.seed.uscc for profile in profiles]
    if len(set(usccs)) != len(usccs):
        raise ValueError("two demo agencies hash to the same USCC; rename one")
    return profiles
