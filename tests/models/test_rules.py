"""The rules a service item must satisfy before it is submitted or published (domain.md §9).

Each rule is shown firing on a guide that breaks it and staying quiet on one that keeps it.
"""

import pytest

from models.content import CatalogItemContent, ServiceItemContent
from models.enums import ItemType
from models.rules import service_item_problems

CATALOG = CatalogItemContent.model_validate(
    {
        "name": "食品经营许可",
        "baseline_materials": [{"name": "食品经营许可申请书"}, {"name": "营业执照"}],
        "statutory_time_limit": {"value": 20, "unit": "1"},
    }
)

GOOD = {
    "power_source": "1",
    "handling_kind": "2",
    "promised_time_limit": {"value": 5},
    "onsite_visits": 1,
    "onsite_visits_reason": "需现场核验原件",
}


def problems(catalog=CATALOG, item_type=ItemType.ADMINISTRATIVE_LICENSING, **changes):
    content = ServiceItemContent.model_validate({**GOOD, **changes})
    return service_item_problems(content, catalog, item_type)


def test_a_good_guide_has_no_problems():
    assert problems() == []


# --- promised and statutory time limits --------------------------------------------------------


def test_a_promised_limit_longer_than_the_statutory_one_is_a_problem():
    assert problems(promised_time_limit={"value": 21}) == [
        (("promised_time_limit",), "承诺办结时限（21个工作日）不得超过法定办结时限（20个工作日）")
    ]


def test_a_promised_limit_equal_to_the_statutory_one_is_fine():
    assert problems(promised_time_limit={"value": 20}) == []


def test_limits_in_different_units_are_compared_by_duration():
    # 30 natural days is about 21.4 working days: longer than 20 working days
    assert problems(promised_time_limit={"value": 30, "unit": "2"}) == [
        (("promised_time_limit",), "承诺办结时限（30个自然日）不得超过法定办结时限（20个工作日）")
    ]
    # 28 natural days is 20 working days: not longer
    assert problems(promised_time_limit={"value": 28, "unit": "2"}) == []


def test_without_a_statutory_limit_any_promised_limit_is_fine():
    catalog = CATALOG.model_copy(update={"statutory_time_limit": None})

    assert problems(catalog, promised_time_limit={"value": 365}) == []


def test_an_instant_item_must_promise_an_instant_limit():
    assert problems(handling_kind="1", promised_time_limit={"value": 1}) == [
        (("promised_time_limit",), "即办件的承诺办结时限应为即办（0）")
    ]
    assert problems(handling_kind="1", promised_time_limit=None) == [
        (("promised_time_limit",), "即办件的承诺办结时限应为即办（0）")
    ]


def test_an_instant_limit_makes_the_item_an_instant_item():
    assert problems(handling_kind="2", promised_time_limit={"value": 0}) == [
        (("handling_kind",), "承诺办结时限为即办的事项，办件类型应为即办件")
    ]


def test_an_instant_item_with_an_instant_limit_is_fine():
    assert problems(handling_kind="1", promised_time_limit={"value": 0}) == []


# --- trips --------------------------------------------------------------------------------------


def test_a_fully_online_item_needs_no_trips():
    assert problems(online_depth="4", onsite_visits=1) == [
        (("onsite_visits",), "全程网办事项的到办事现场次数应为0")
    ]


def test_a_fully_online_item_with_zero_trips_is_fine():
    assert problems(online_depth="4", onsite_visits=0, onsite_visits_reason=None) == []


def test_trips_need_a_reason():
    assert problems(onsite_visits=2, onsite_visits_reason=None) == [
        (("onsite_visits_reason",), "到办事现场次数不为0时，须说明必须现场办理的原因")
    ]


def test_zero_trips_need_no_reason():
    assert problems(onsite_visits=0, onsite_visits_reason=None) == []


# --- fees ---------------------------------------------------------------------------------------

FEE = {"name": "工本费", "standard": "每证10元", "amount": "10"}


def test_a_charging_item_needs_fee_items_and_a_basis():
    assert problems(charging=True) == [
        (("fees",), "收费事项至少应有一个收费项目"),
        (("fee_basis",), "收费事项须填写收费依据"),
    ]


def test_a_charging_item_with_fees_and_a_basis_is_fine():
    assert problems(charging=True, fees=[FEE], fee_basis="鲁价费发〔2019〕1号") == []


def test_a_free_item_lists_no_fees():
    assert problems(charging=False, fees=[FEE]) == [(("fees",), "不收费事项不应有收费项目")]


def test_a_free_item_offers_no_online_payment():
    assert problems(charging=False, channels={"online_payment": True}) == [
        (("channels", "online_payment"), "不收费事项不应支持网上支付")
    ]


def test_a_charging_item_may_offer_online_payment():
    content = {
        "charging": True,
        "fees": [FEE],
        "fee_basis": "依据",
        "channels": {"online_payment": True},
    }

    assert problems(**content) == []


# --- materials ----------------------------------------------------------------------------------


def test_a_local_material_may_not_repeat_a_baseline_one():
    materials = [{"name": "场所平面图"}, {"name": "营业执照"}]

    assert problems(materials=materials) == [
        (("materials", 1, "name"), "“营业执照”已是基本目录材料，不能重复添加")
    ]


def test_local_materials_may_add_to_the_baseline():
    assert problems(materials=[{"name": "场所平面图"}]) == []


def test_a_note_must_refer_to_an_existing_material():
    notes = [
        {"material": "营业执照", "note": "可通过电子证照库调取"},
        {"material": "场所平面图", "note": "须标注尺寸"},
        {"material": "卫生许可证", "note": "已取消"},
    ]

    assert problems(materials=[{"name": "场所平面图"}], material_notes=notes) == [
        (("material_notes", 2, "material"), "说明所指材料“卫生许可证”不存在")
    ]


# --- powers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("item_type", [t for t in ItemType if t.is_power])
def test_a_power_needs_its_source(item_type):
    assert problems(item_type=item_type, power_source=None) == [
        (("power_source",), "行政权力事项须填写权力来源")
    ]


def test_a_public_service_needs_no_power_source():
    assert problems(item_type=ItemType.PUBLIC_SERVICE, power_source=None) == []


def test_every_problem_is_reported_at_once():
    found = problems(
        power_source=None,
        promised_time_limit={"value": 30},
        onsite_visits_reason=None,
        charging=True,
        fees=[FEE],
    )

    assert [path for path, _ in found] == [
        ("promised_time_limit",),
        ("onsite_visits_reason",),
        ("fee_basis",),
        ("power_source",),
    ]
