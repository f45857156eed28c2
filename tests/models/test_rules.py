"""The rules a service item must satisfy before it is submitted or published (domain.md §9).

Each rule is shown firing on a guide that breaks it and staying quiet on one that keeps it.
"""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from models.content import (
    CatalogItemContent,
    FeeItemContent,
    FeeStandard,
    IntermediaryServiceContent,
    LegalBasis,
    ServiceItemContent,
)
from models.enums import ItemType
from models.rules import (
    fee_amount_problem,
    fee_item_problems,
    intermediary_problems,
    service_item_problems,
)

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
    "responsibilities": {
        "steps": [{"step": "受理责任", "duty": "依法受理或者不予受理，不予受理的告知理由"}],
        "supervision_phone": "0531-86592345",
    },
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

FEE = {"fee_item": "SF370100003", "amount": "10"}


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


@pytest.mark.parametrize("item_type", [t for t in ItemType if t.is_power])
def test_a_power_states_its_responsibilities_and_supervision_phone(item_type):
    assert problems(item_type=item_type, responsibilities=None) == [
        (("responsibilities", "steps"), "行政权力事项须列明至少一个办理环节的责任事项"),
        (("responsibilities", "supervision_phone"), "行政权力事项须填写监督电话"),
    ]
    assert problems(item_type=item_type, responsibilities={"steps": [], "accountability": []}) == [
        (("responsibilities", "steps"), "行政权力事项须列明至少一个办理环节的责任事项"),
        (("responsibilities", "supervision_phone"), "行政权力事项须填写监督电话"),
    ]


def test_a_public_service_needs_no_responsibilities():
    assert problems(item_type=ItemType.PUBLIC_SERVICE, responsibilities=None) == []


@pytest.mark.parametrize(
    "phone",
    ["0531-86592345", "12345", "0531-12345", "0531-86592345-801", "13805310000",
     "0531-86592345、12345"],
)
def test_a_supervision_phone_is_a_real_number(phone):
    duties = {"steps": [{"step": "受理", "duty": "依法受理"}], "supervision_phone": phone}
    assert problems(responsibilities=duties) == []


@pytest.mark.parametrize(
    "phone", ["86592345", "0531-0000000", "电话12345", "0531 86592345", "12", "0531-86592345,12345"]
)
def test_a_supervision_phone_that_is_no_number_is_refused(phone):
    duties = {"steps": [{"step": "受理", "duty": "依法受理"}], "supervision_phone": phone}
    with pytest.raises(ValidationError, match="supervision_phone"):
        problems(responsibilities=duties)


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


# --- fee items and intermediary services (收费清单, 中介清单) ------------------------------------

REGISTRATION_FEE = FeeItemContent.model_validate(
    {
        "name": "不动产登记费（住宅）",
        "payer": "申请住宅类不动产登记的权利人",
        "standard": {"text": "住宅类不动产登记每件80元", "amount": "80", "unit": "元/件"},
        "basis": [
            {
                "title": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》",
                "document_number": "发改价格规〔2016〕2559号",
            }
        ],
        "reductions": [{"description": "小微企业免征", "basis": "财税〔2019〕45号"}],
    }
)


def test_a_fee_item_needs_a_basis_with_its_document_number_and_a_payer():
    bare = REGISTRATION_FEE.model_copy(
        update={"basis": [LegalBasis(title="《城市道路管理条例》")], "payer": None}
    )

    assert fee_item_problems(REGISTRATION_FEE) == []
    assert fee_item_problems(bare) == [
        (("basis",), "收费项目须列明政策依据及其文号"),
        (("payer",), "收费项目须写明征收对象"),
    ]


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [("80", True), ("40", True), ("0", True), ("80.01", False)],
)
def test_a_fee_line_charges_at_most_the_fixed_standard(amount, allowed):
    assert (fee_amount_problem(Decimal(amount), REGISTRATION_FEE) is None) is allowed


def test_below_the_standard_only_where_the_fee_item_provides_reductions():
    strict = REGISTRATION_FEE.model_copy(update={"reductions": []})

    assert fee_amount_problem(Decimal("40"), strict) == (
        "收费金额 40 元低于收费标准（住宅类不动产登记每件80元），而该收费项目没有减免政策"
    )
    assert fee_amount_problem(Decimal("80"), strict) is None


def test_a_range_standard_bounds_the_amount_and_a_text_standard_does_not():
    ranged = REGISTRATION_FEE.model_copy(
        update={
            "reductions": [],
            "standard": FeeStandard(
                text="每平方米1至3元",
                min_amount=Decimal(1),
                max_amount=Decimal(3),
                unit="元/平方米",
            ),
        }
    )
    textual = REGISTRATION_FEE.model_copy(update={"standard": FeeStandard(text="按省定标准执行")})

    assert fee_amount_problem(Decimal("2.5"), ranged) is None
    assert "超出收费标准" in (fee_amount_problem(Decimal("3.5"), ranged) or "")
    assert "低于收费标准" in (fee_amount_problem(Decimal("0.5"), ranged) or "")
    assert fee_amount_problem(Decimal("9999"), textual) is None


@pytest.mark.parametrize(
    ("standard", "message"),
    [
        ({"text": "x", "amount": "80"}, "须写明计费单位"),
        ({"text": "x", "amount": "80", "min_amount": "1", "max_amount": "2", "unit": "元"}, "之一"),
        ({"text": "x", "min_amount": "1", "unit": "元"}, "同时填写"),
        ({"text": "x", "min_amount": "3", "max_amount": "2", "unit": "元"}, "不能高于上限"),
    ],
)
def test_a_fee_standard_has_one_consistent_kind_of_amount(standard, message):
    with pytest.raises(ValidationError, match=message):
        FeeStandard.model_validate(standard)


DESIGN = {
    "name": "建设工程设计方案编制",
    "approval_items": ["000113001000"],
    "basis": [{"title": "《中华人民共和国城乡规划法》", "article": "第四十条"}],
    "provider_nature": "1",
    "charging": "3",
}


def test_an_intermediary_service_names_its_approvals_and_basis():
    empty = IntermediaryServiceContent.model_validate({**DESIGN, "approval_items": [], "basis": []})

    assert intermediary_problems(IntermediaryServiceContent.model_validate(DESIGN)) == []
    assert intermediary_problems(empty) == [
        (("approval_items",), "中介服务事项须列明需要它的审批事项"),
        (("basis",), "中介服务事项须列明设定依据"),
    ]


def test_a_government_priced_intermediary_states_its_standard_and_basis():
    priced = IntermediaryServiceContent.model_validate({**DESIGN, "charging": "1"})
    free_with_standard = IntermediaryServiceContent.model_validate(
        {**DESIGN, "charging": "0", "fee_standard": "每项2000元"}
    )

    assert intermediary_problems(priced) == [
        (("fee_standard",), "政府定价或指导价的中介服务须写明收费标准"),
        (("fee_basis",), "政府定价或指导价的中介服务须写明收费依据"),
    ]
    assert intermediary_problems(free_with_standard) == [
        (("fee_standard",), "不收费的中介服务不应有收费标准")
    ]


def test_codes_in_a_guide_are_listed_once():
    with pytest.raises(ValidationError, match="收费项目重复"):
        ServiceItemContent.model_validate({**GOOD, "fees": [FEE, FEE]})
    with pytest.raises(ValidationError, match="中介服务事项重复"):
        ServiceItemContent.model_validate({**GOOD, "intermediaries": ["ZJ370100001"] * 2})
