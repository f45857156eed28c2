"""Who implements the fanned-out catalog item: 13 districts × 100 implementers.

Jinan's 12 districts and counties plus the 济南高新技术产业开发区 (370171). In each, as a
public service like 老年人优待证办理 is implemented in Shandong: the district's civil-affairs
bureau (县级, level 4), 9 street offices (镇（乡、街道）级, level 5, in their street's region)
and 10 communities under each street (村（社区）级, level 6; the catalog's lowest region level
is the street, so a community's region is its street). Streets already in the database (the
demo's and the synthetic catalog's) are used first; missing ones get new codes.
"""

from dataclasses import dataclass

from models.enums import AgencyNature, ExerciseLevel, RegionLevel
from seed.records import AgencySeed, RegionSeed
from seed.reference import load_regions, make_uscc
from seed.synthetic_parts import DIRECTIONS, STREET_NAMES

HI_TECH_ZONE = RegionSeed("370171", "济南高新技术产业开发区", RegionLevel.DISTRICT, "370100")
STREETS_PER_DISTRICT = 9
COMMUNITIES_PER_STREET = 10
_STREET_NAMES = [f"{d}{n}街道" for d in DIRECTIONS for n in STREET_NAMES]
COMMUNITY_NAMES = ("和平", "幸福", "阳光", "花园", "建设", "文化", "友谊", "新华", "育才", "康乐")


@dataclass(frozen=True)
class Implementer:
    seed: AgencySeed
    district: str  # the district's code
    district_name: str


def districts() -> list[RegionSeed]:
    jinan = [r for r in load_regions() if r.level == RegionLevel.DISTRICT]
    return [*jinan, HI_TECH_ZONE]


def _street_plan(
    district: RegionSeed, existing: dict[str, str], used_names: set[str]
) -> list[RegionSeed]:
    """9 streets of `district`: those in the database (`existing`: code → name), then new."""
    streets = [
        RegionSeed(code, name, RegionLevel.STREET, district.code)
        for code, name in sorted(existing.items())
        if code[:6] == district.code and len(code) == 9
    ][:STREETS_PER_DISTRICT]
    number = 0
    while len(streets) < STREETS_PER_DISTRICT:
        number += 1
        code = f"{district.code}{number:03d}"
        if code in existing:
            continue
        name = next(n for n in _STREET_NAMES if n not in used_names)
        used_names.add(name)
        streets.append(RegionSeed(code, name, RegionLevel.STREET, district.code))
    return streets


def _agency(
    name: str, region: str, level: ExerciseLevel, *, community: bool, address: str, index: int
) -> AgencySeed:
    category, nature = (
        ("55", AgencyNature.ENTRUSTED_ORGANISATION)
        if community
        else (
            "11",
            AgencyNature.STATUTORY_ORGAN,
        )
    )
    return AgencySeed(
        uscc=make_uscc(category, region[:6], name),
        name=name,
        short_name=None,
        region_code=region,
        level=level,
        nature=nature,
        address=address,
        phone=f"0531-{81000000 + index}",
    )


def _label(district: RegionSeed) -> str:
    return "济南高新区" if district.code == HI_TECH_ZONE.code else f"济南市{district.name}"


def _district(
    district: RegionSeed, bureau: str, streets: list[RegionSeed], first_index: int
) -> list[Implementer]:
    label = _label(district)
    rows = [(bureau, district.code, ExerciseLevel.COUNTY, False, f"{label}政务服务中心")]
    for street in streets:
        office = f"{label}{street.name}办事处"
        rows.append((office, street.code, ExerciseLevel.TOWNSHIP, False, f"{office}便民服务中心"))
        for community in COMMUNITY_NAMES[:COMMUNITIES_PER_STREET]:
            name = f"{label}{street.name}{community}社区居民委员会"
            rows.append((name, street.code, ExerciseLevel.VILLAGE, True, f"{name}便民服务站"))
    return [
        Implementer(
            _agency(name, region, level, community=community, address=where, index=first_index + n),
            district.code,
            district.name,
        )
        for n, (name, region, level, community, where) in enumerate(rows)
    ]


def plan(existing_streets: dict[str, str]) -> tuple[list[RegionSeed], list[Implementer]]:
    """The regions to add (the zone, new streets; parents first) and the 1,300 implementers."""
    used_names = set(existing_streets.values())
    new_regions: list[RegionSeed] = []
    implementers: list[Implementer] = []
    for district in districts():
        if district.code == HI_TECH_ZONE.code:
            new_regions.append(district)
            bureau = "济南高新技术产业开发区管理委员会社会事业局"
        else:
            bureau = f"济南市{district.name}民政局"
        streets = _street_plan(district, existing_streets, used_names)
        new_regions += [s for s in streets if s.code not in existing_streets]
        implementers += _district(district, bureau, streets, len(implementers))
    usccs = {i.seed.uscc for i in implementers}
    if len(usccs) != len(implementers):
        raise ValueError("two benchmark agencies hash to the same USCC; rename one")
    return new_regions, implementers
