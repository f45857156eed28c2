"""Typed inputs for the guide's content. Every field may be left out: a create fills the rest
with defaults (and the validation names what is still missing), a draft update leaves it as
it was. An explicit `null` clears an optional field."""

import dataclasses
from enum import Enum
from typing import Any

import strawberry

from catalog_api.schema.enums import (
    ExerciseLevel,
    FundManagement,
    HandlingForm,
    HandlingKind,
    IntermediaryCharging,
    MaterialForm,
    MaterialSource,
    MaterialType,
    Necessity,
    OnlineDepth,
    OnlineStage,
    PowerSource,
    ProviderNature,
    ResultType,
    ServiceObject,
    ServiceScope,
    TimeUnit,
)

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A time limit; value 0 means on the spot (即办).")
class TimeLimitInput:
    value: int | None = UNSET
    unit: TimeUnit | None = UNSET
    note: str | None = UNSET


@strawberry.input(description="Legal basis (设定依据).")
class LegalBasisInput:
    title: str | None = UNSET
    article: str | None = UNSET
    document_number: str | None = UNSET
    text: str | None = UNSET


@strawberry.input(description="An application material (申请材料); files by their sha256.")
class MaterialInput:
    name: str | None = UNSET
    material_type: MaterialType | None = UNSET
    form: MaterialForm | None = UNSET
    original_copies: int | None = UNSET
    copy_copies: int | None = UNSET
    paper_spec: str | None = UNSET
    necessity: Necessity | None = UNSET
    source: MaterialSource | None = UNSET
    source_note: str | None = UNSET
    blank_form: str | None = UNSET
    sample: str | None = UNSET
    fill_instructions: str | None = UNSET
    accept_standard: str | None = UNSET
    basis: str | None = UNSET
    note: str | None = UNSET


@strawberry.input(description="A local note on a baseline material.")
class MaterialNoteInput:
    material: str | None = UNSET
    note: str | None = UNSET


@strawberry.input(description="A process step (办理流程).")
class ProcessStepInput:
    name: str | None = UNSET
    description: str | None = UNSET
    handler: str | None = UNSET
    time_limit: TimeLimitInput | None = UNSET


@strawberry.input(description="A fee line (收费项目): a published fee item by its code.")
class FeeLineInput:
    fee_item: str | None = strawberry.field(default=UNSET, description="收费项目编码 (SF…).")
    amount: str | None = strawberry.field(
        default=UNSET, description='What this item charges (元), within the standard, e.g. "40.00".'
    )
    note: str | None = UNSET


@strawberry.input(description="A frequently asked question.")
class FaqInput:
    question: str | None = UNSET
    answer: str | None = UNSET


@strawberry.input(description="The result (办理结果).")
class ResultInput:
    name: str | None = UNSET
    result_type: ResultType | None = UNSET
    sample: str | None = UNSET


@strawberry.input(description="Channels: window, PC and mobile addresses, express, booking.")
class ChannelsInput:
    window: bool | None = UNSET
    pc_url: str | None = UNSET
    mobile_url: str | None = UNSET
    mobile_app: str | None = UNSET
    express: bool | None = UNSET
    booking: bool | None = UNSET
    online_payment: bool | None = UNSET
    self_service_terminal: bool | None = UNSET


@strawberry.input(description="Responsibility for one procedural step (责任事项).")
class ResponsibilityStepInput:
    step: str | None = UNSET
    duty: str | None = UNSET


@strawberry.input(description="Powers and responsibilities (权责清单).")
class ResponsibilitiesInput:
    steps: list[ResponsibilityStepInput] | None = UNSET
    accountability: list[str] | None = UNSET
    accountability_basis: str | None = UNSET
    supervision_phone: str | None = UNSET


@strawberry.input(description="The unified elements of a catalog item (基本目录要素).")
class CatalogItemContentInput:
    name: str | None = UNSET
    aliases: list[str] | None = UNSET
    legal_basis: list[LegalBasisInput] | None = UNSET
    supervising_department: str | None = UNSET
    levels: list[ExerciseLevel] | None = UNSET
    service_objects: list[ServiceObject] | None = UNSET
    accept_conditions: str | None = UNSET
    baseline_materials: list[MaterialInput] | None = UNSET
    statutory_time_limit: TimeLimitInput | None = UNSET
    exercise_content: str | None = UNSET
    local_code: str | None = UNSET


@strawberry.input(description="The local guide of a service item (实施清单要素).")
class ServiceItemContentInput:
    local_codes: list[str] | None = UNSET
    undertaking_unit: str | None = UNSET
    joint_agencies: list[str] | None = UNSET
    power_source: PowerSource | None = UNSET
    handling_kind: HandlingKind | None = UNSET
    promised_time_limit: TimeLimitInput | None = UNSET
    onsite_visits: int | None = UNSET
    onsite_visits_reason: str | None = UNSET
    online_depth: OnlineDepth | None = UNSET
    online_stages: list[OnlineStage] | None = UNSET
    channels: ChannelsInput | None = UNSET
    handling_forms: list[HandlingForm] | None = UNSET
    materials: list[MaterialInput] | None = UNSET
    material_notes: list[MaterialNoteInput] | None = UNSET
    process: list[ProcessStepInput] | None = UNSET
    charging: bool | None = UNSET
    fee_basis: str | None = UNSET
    fees: list[FeeLineInput] | None = UNSET
    intermediaries: list[str] | None = strawberry.field(
        default=UNSET, description="Codes of required intermediary services (ZJ…)."
    )
    faqs: list[FaqInput] | None = UNSET
    result: ResultInput | None = UNSET
    address: str | None = UNSET
    hours: str | None = UNSET
    consult_phone: str | None = UNSET
    supervise_phone: str | None = UNSET
    themes: list[str] | None = UNSET
    service_scope: ServiceScope | None = UNSET
    quantity_limit: str | None = UNSET
    special_procedure: str | None = UNSET
    responsibilities: ResponsibilitiesInput | None = UNSET
    notes: str | None = UNSET


@strawberry.input(description="A fee standard (收费标准); amounts are decimals in yuan.")
class FeeStandardInput:
    text: str | None = UNSET
    amount: str | None = strawberry.field(default=UNSET, description='Fixed amount, e.g. "80.00".')
    min_amount: str | None = UNSET
    max_amount: str | None = UNSET
    unit: str | None = strawberry.field(default=UNSET, description="e.g. 元/件.")


@strawberry.input(description="A reduction or exemption (减免) and its basis.")
class FeeReductionInput:
    description: str | None = UNSET
    basis: str | None = UNSET


@strawberry.input(description="A fee item (收费项目) of the 行政事业性收费清单.")
class FeeItemContentInput:
    name: str | None = UNSET
    payer: str | None = strawberry.field(default=UNSET, description="征收对象.")
    standard: FeeStandardInput | None = UNSET
    basis: list[LegalBasisInput] | None = strawberry.field(
        default=UNSET, description="政策依据, with 文号 (document number)."
    )
    fund_management: FundManagement | None = UNSET
    reductions: list[FeeReductionInput] | None = UNSET
    note: str | None = UNSET


@strawberry.input(description="An intermediary service (中介服务事项).")
class IntermediaryServiceContentInput:
    name: str | None = UNSET
    approval_items: list[str] | None = strawberry.field(
        default=UNSET, description="Basic codes of the approval items that require it."
    )
    basis: list[LegalBasisInput] | None = UNSET
    provider_nature: ProviderNature | None = UNSET
    provider_requirements: str | None = UNSET
    service_content: str | None = UNSET
    charging: IntermediaryCharging | None = UNSET
    fee_standard: str | None = UNSET
    fee_basis: str | None = UNSET
    note: str | None = UNSET


def to_data(value: Any) -> Any:
    """An input as the plain data the content models validate: fields left out are dropped,
    enums become their codes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_data(item)
            for field in dataclasses.fields(value)
            if (item := getattr(value, field.name)) is not UNSET
        }
    if isinstance(value, list):
        return [to_data(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value
