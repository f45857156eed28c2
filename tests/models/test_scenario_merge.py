"""What a scenario adds up to, worked through on 开办企业一件事: one material list (a material
several items need appears once, with the items, at its strictest), the sum of trips, the
longest time limit across units, and the channels every member offers."""

from models.content import CatalogItemContent, ServiceItemContent, TimeLimit
from models.enums import Channel, MaterialType, Necessity, TimeUnit
from models.scenario_merge import MemberGuide, material_key, summarise

REGISTRATION, SEAL, INVOICE = "A" * 31, "B" * 31, "C" * 31


def member(code, name, guide, baseline=()):
    catalog = CatalogItemContent(name=name, baseline_materials=list(baseline))
    return MemberGuide(code, name, ServiceItemContent.model_validate(guide), catalog)


def worked_example():
    registration = member(
        REGISTRATION,
        "企业设立登记",
        {
            "promised_time_limit": {"value": 3, "unit": "1"},  # 3 working days
            "onsite_visits": 0,
            "materials": [{"name": "公司章程", "original_copies": 1}],
            "channels": {"window": True, "pc_url": "https://jnzwfw.jinan.gov.cn/qykb"},
        },
        baseline=[{"name": "居民身份证", "material_type": "0", "original_copies": 1}],
    )
    seal = member(
        SEAL,
        "公章刻制备案",
        {
            "handling_kind": "1",  # 即办件
            "onsite_visits": 1,
            "materials": [
                {"name": "居民 身份证", "material_type": "1", "copy_copies": 2, "necessity": "2"},
                {"name": "营业执照", "material_type": "0", "necessity": "2"},
            ],
            "channels": {
                "window": True,
                "pc_url": "https://x.jinan.gov.cn",
                "mobile_app": "爱山东",
            },
        },
    )
    invoice = member(
        INVOICE,
        "发票申领",
        {
            "promised_time_limit": {"value": 10, "unit": "2"},  # 10 natural days ≈ 7.1 working
            "onsite_visits": 1,
            "materials": [
                {"name": "《营业执照》", "material_type": "1", "copy_copies": 1, "necessity": "3"}
            ],
            "channels": {"window": True},
        },
    )
    return [registration, seal, invoice]


def test_the_worked_example_adds_up():
    summary = summarise(worked_example())

    merged = {m.material.name: m for m in summary.materials}
    assert list(merged) == ["居民身份证", "公司章程", "营业执照"]
    identity = merged["居民身份证"]
    assert identity.items == [REGISTRATION, SEAL]
    assert identity.material.material_type == MaterialType.ORIGINAL_AND_COPY
    assert (identity.material.original_copies, identity.material.copy_copies) == (1, 2)
    assert identity.material.necessity == Necessity.REQUIRED  # required by the registration
    licence = merged["营业执照"]
    assert licence.items == [SEAL, INVOICE]  # 《营业执照》 is the same material
    assert licence.material.necessity == Necessity.DEFERRABLE
    assert merged["公司章程"].items == [REGISTRATION]
    assert summary.total_onsite_visits == 2
    assert summary.longest_time_limit.item == INVOICE
    assert summary.longest_time_limit.limit == TimeLimit(value=10, unit=TimeUnit.NATURAL_DAY)
    assert summary.channels == [Channel.WINDOW]


def test_names_match_after_folding_width_spaces_and_punctuation():
    assert material_key("居民身份证（原件）") == material_key("居民 身份证(原件)")
    assert material_key("《营业执照》") == material_key("营业执照")
    assert material_key("营业执照副本") != material_key("营业执照")


def test_limits_compare_in_working_days_and_the_earlier_member_wins_a_tie():
    five_working = member("D" * 31, "甲", {"promised_time_limit": {"value": 5, "unit": "1"}})
    week = member("E" * 31, "乙", {"promised_time_limit": {"value": 7, "unit": "2"}})
    month = member("F" * 31, "丙", {"promised_time_limit": {"value": 1, "unit": "4"}})

    assert summarise([five_working, week]).longest_time_limit.item == "D" * 31
    assert summarise([week, five_working]).longest_time_limit.item == "E" * 31
    assert summarise([week, month, five_working]).longest_time_limit.item == "F" * 31


def test_instant_items_count_zero_and_an_item_without_a_promise_counts_its_statutory_limit():
    instant = member("G" * 31, "即办", {"handling_kind": "1", "onsite_visits": 0})
    no_promise = MemberGuide(
        "H" * 31,
        "无承诺时限",
        ServiceItemContent(onsite_visits=1),
        CatalogItemContent(name="无承诺时限", statutory_time_limit=TimeLimit(value=20)),
    )
    neither = MemberGuide(
        "I" * 31, "无时限", ServiceItemContent(), CatalogItemContent(name="无时限")
    )

    only_instant = summarise([instant, neither]).longest_time_limit
    assert (only_instant.item, str(only_instant.limit)) == ("G" * 31, "即办")
    statutory = summarise([instant, no_promise]).longest_time_limit
    assert (statutory.item, statutory.limit.value) == ("H" * 31, 20)
    assert summarise([]).longest_time_limit is None
    assert summarise([]).channels == []
