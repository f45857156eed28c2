"""The demo's scenarios (一件事), without a database: at least five real Jinan ones, codes in
their lead agency's region, members that are service items of the demo catalog."""

from models.codes import SCENARIO_PREFIX, validate_list_code
from seed.demo import load_demo
from seed.reference import load_agencies
from seed.scenarios import load_scenarios


def test_five_real_scenarios_group_service_items_of_the_demo() -> None:
    demo = load_demo()
    regions = {agency.uscc: agency.region_code for agency in demo.agencies}
    service_codes = {
        code
        for code in (f"{s.agency_uscc}{s.level.value}{s.catalog_code}" for s in demo.service_items)
    }

    names = [seed.content.name for seed in demo.scenarios]
    assert {"开办企业一件事", "新生儿出生一件事", "退休一件事", "身后一件事"} <= set(names)
    assert "二手房转移登记及水电气过户一件事" in names
    for seed in demo.scenarios:
        assert validate_list_code(SCENARIO_PREFIX, seed.code, regions[seed.agency_uscc])
        assert len(seed.content.members) >= 2
        for member in seed.content.members:
            assert member.item in service_codes, (seed.content.name, member.item)
    assert len({seed.code for seed in demo.scenarios}) == len(demo.scenarios)
    assert load_scenarios(load_agencies(), demo.service_items) == demo.scenarios
