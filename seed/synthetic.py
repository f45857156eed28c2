"""Realistic data at scale, for benchmarks: n service items (10k to 1M), pure and deterministic.

`synthetic_catalog(n, seed)` reuses the demo's regions and, where the demo has one, its agency
(same USCC, so loading both never duplicates an agency); every other city bureau, district
counterpart and street office gets a new valid USCC (subject id MA…). The catalog has every item
type with valid basic codes whose sequences start at 500, so none collides with the demo. The
service items stream: `service_items` is a fresh iterator on every access, so a million items
never sit in memory. Item p implements a distinct (agency, catalog leaf) pair, hence every
derived implementation code is unique. `seed` varies the guides, not the codes.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from models.codes import uscc_check_char
from models.enums import AgencyNature, ExerciseLevel
from seed.records import AgencySeed, CatalogSeed, FileSeed, ListSeed, RegionSeed, ServiceSeed
from seed.reference import load_agencies, load_regions
from seed.synthetic_catalog import SampleRegistry, build_department_catalog, generic_forms
from seed.synthetic_guides import (
    FEE_ITEMS,
    VARIANT_BY_ROLL,
    GuideStamper,
    Leaf,
    Stamp,
    Variant,
    variants,
)
from seed.synthetic_parts import DEPARTMENTS, DIRECTIONS, STREET_NAMES, Department
from seed.yaml_data import read_yaml

CITY_HALL = "济南市历下区龙鼎大道1号龙奥大厦济南市政务服务中心"
CITY_OFFICE = "济南市历下区龙鼎大道1号龙奥大厦"
CITY_SUPERVISE = "0531-66608890"
MIN_STREETS, MAX_STREETS, MIN_LEAVES = 12, 960, 24
# What the generator produces, as a number: bump it whenever `synthetic_catalog` (or what
# `seed.bulk` stores from it) changes, so databases built from older content (the cached
# benchmark databases) are rebuilt. 2: fee lines name published fee items (SF… codes).
SEED_VERSION = 2
_MASK = (1 << 64) - 1


def _mix(seed: int, index: int) -> int:
    """splitmix64: a fast, well-spread hash of (seed, index), the same on every machine."""
    z = (seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@dataclass(frozen=True)
class _Implementer:
    seed: AgencySeed
    stamp: Stamp


class _Plan:
    """Who implements what: item p -> (department, agency, leaf) without storing the pairs."""

    def __init__(self, bureaus: list[list[_Implementer]], streets: list[_Implementer],
                 leaves: list[list[Leaf]]) -> None:
        self.bureaus, self.streets, self.leaves = bureaus, streets, leaves
        self.per_department = len(bureaus[0]) + len(streets)
        self._variants: dict[str, tuple[Variant, ...]] = {}

    def _variant(self, leaf: Leaf, roll: int) -> Variant:
        if leaf.code not in self._variants:
            self._variants[leaf.code] = variants(leaf)
        return self._variants[leaf.code][VARIANT_BY_ROLL[roll % 10]]

    def items(self, n: int, seed: int) -> Iterator[ServiceSeed]:
        stamper, departments = GuideStamper(), len(self.leaves)
        for p in range(n):
            department, rest = p % departments, p // departments
            slot, leaf_index = rest % self.per_department, rest // self.per_department
            bureaus = self.bureaus[department]
            who = bureaus[slot] if slot < len(bureaus) else self.streets[slot - len(bureaus)]
            leaf, roll = self.leaves[department][leaf_index], _mix(seed, p)
            agency = who.seed
            code = f"{agency.uscc}{agency.level.value}{leaf.code}"
            content = stamper.stamp(self._variant(leaf, roll), leaf, who.stamp, code, roll >> 8)
            yield ServiceSeed(agency.uscc, agency.level, leaf.code, content)


@dataclass(frozen=True)
class SyntheticCatalog:
    n: int
    seed: int
    regions: list[RegionSeed]
    agencies: list[AgencySeed]
    catalog_items: list[CatalogSeed]
    files: list[FileSeed]
    _plan: _Plan = field(repr=False, compare=False)
    fee_items: list[ListSeed] = field(default_factory=list)

    @property
    def service_items(self) -> Iterator[ServiceSeed]:
        """The n items in a fixed order, built lazily; every access starts a new iterator."""
        return self._plan.items(self.n, self.seed)


def _uscc(region6: str, index: int) -> str:
    first17 = f"11{region6}MA{index:07d}"
    return first17 + uscc_check_char(first17)


class _Agencies:
    """Implementers by name: the demo's agency where one exists (same USCC, hall and phones, so
    loading both never duplicates an agency), otherwise a new one with a fresh USCC."""

    def __init__(self, hours: str) -> None:
        self.known = {profile.seed.name: profile for profile in load_agencies()}
        self.hours, self.created = hours, 0

    def get(self, name: str, short: str, region: str, level: ExerciseLevel,
            place: tuple[str, str, str, str], unit: str) -> _Implementer:
        """`place`: office address, hall, phone, supervision phone for a new agency."""
        if (profile := self.known.get(name)) is not None:
            agency, hall, supervise = profile.seed, profile.hall, profile.supervise_phone
            short, hours = agency.short_name or short, profile.hours
        else:
            self.created += 1
            office, hall, phone, supervise = place
            agency = AgencySeed(_uscc(region[:6], self.created), name, short, region, level,
                                AgencyNature.STATUTORY_ORGAN, office, phone)
            hours = self.hours
        township = level is ExerciseLevel.TOWNSHIP
        unit_name = unit if township else f"{short}{unit}"
        stamp = Stamp(unit_name, hall, agency.address or hall, agency.phone or "", supervise,
                      hours, short, township)
        return _Implementer(agency, stamp)


def _bureaus(dept: Department, d: int, districts: dict, names: dict,
             agencies: _Agencies) -> list[_Implementer]:
    """The city bureau of a department and its twelve district counterparts."""
    city_place = (CITY_OFFICE, CITY_HALL, f"0531-6660{8200 + d:04d}", CITY_SUPERVISE)
    found = [agencies.get(f"济南市{dept.city_name}", f"市{dept.city_name}", "370100",
                          ExerciseLevel.MUNICIPAL, city_place, f"{dept.unit}处")]
    for code, info in districts.items():
        district = names[code]
        if dept.key == "公安":
            name, short = f"济南市公安局{district}分局", f"{district}公安分局"
        else:
            name, short = f"济南市{district}{dept.district_name}", f"{district}{dept.district_name}"
        place = (info["office"], info["hall"], f"0531-{info['prefix']}{6000 + 10 * d:04d}",
                 info["supervise"])
        found.append(agencies.get(name, short, code, ExerciseLevel.COUNTY, place, f"{dept.unit}科"))
    return found


def _streets(count: int, districts: dict, names: dict, agencies: _Agencies) -> list[_Implementer]:
    """The demo's street offices, then new ones (registered in their district) up to `count`."""
    found = []
    for profile in agencies.known.values():
        if profile.seed.level is ExerciseLevel.TOWNSHIP:
            street = (profile.seed.short_name or "").removesuffix("办事处")
            found.append(agencies.get(profile.seed.name, "", "", ExerciseLevel.TOWNSHIP,
                                      ("", "", "", ""), f"{street}便民服务中心"))
    codes = list(districts)
    for k in range(max(0, count - len(found))):
        code, round_ = codes[k % len(codes)], k // len(codes)
        street = STREET_NAMES[(codes.index(code) * 13 + round_) % len(STREET_NAMES)]
        street = f"{DIRECTIONS[round_ // len(STREET_NAMES) % len(DIRECTIONS)]}{street}街道"
        info, district = districts[code], names[code]
        address = f"济南市{district}{street.removesuffix('街道')}路{1 + k * 37 % 300}号"
        place = (address, f"{address}{street}便民服务中心",
                 f"0531-{info['prefix']}{7000 + k:04d}", info["supervise"])
        found.append(agencies.get(f"济南市{district}{street}办事处", f"{street}办事处", code,
                                  ExerciseLevel.TOWNSHIP, place, f"{street}便民服务中心"))
    return found


def synthetic_catalog(n: int, seed: int = 7) -> SyntheticCatalog:
    if n < 1:
        raise ValueError("n must be positive")
    data = read_yaml("agencies.yaml")
    districts, regions = data["districts"], load_regions()
    names = {region.code: region.name for region in regions}
    per_department = math.ceil(n / len(DEPARTMENTS))
    street_count = min(MAX_STREETS, max(MIN_STREETS, math.isqrt(per_department) - 13))
    agencies = _Agencies(data["hours"])
    bureaus = [_bureaus(dept, d, districts, names, agencies) for d, dept in enumerate(DEPARTMENTS)]
    streets = _streets(street_count, districts, names, agencies)
    leaf_count = max(MIN_LEAVES, math.ceil(per_department / (13 + len(streets))))
    materials, form_files = generic_forms()
    samples = SampleRegistry()
    catalog: list[CatalogSeed] = []
    leaves: list[list[Leaf]] = []
    for dept in DEPARTMENTS:
        items, dept_leaves = build_department_catalog(dept, leaf_count, materials, samples)
        catalog += items
        leaves.append(dept_leaves)
    implementers = [who.seed for group in bureaus for who in group] + [s.seed for s in streets]
    # the fee items are collected by the first city bureau (the demo's where it has one)
    collector = bureaus[0][0].seed.uscc
    fee_items = [ListSeed(code, collector, content) for code, content in FEE_ITEMS.items()]
    return SyntheticCatalog(n, seed, regions, implementers, catalog,
                            form_files + samples.files, _Plan(bureaus, streets, leaves), fee_items)
