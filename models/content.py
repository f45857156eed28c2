"""The service guide (办事指南) as typed, validated values.

A version row stores its content as JSON; these models are the only way content is built or read,
so every version in the database has passed the same validation. Codes of the code lists are
stored, never labels.
"""

from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from models.codes import (
    FEE_ITEM_PREFIX,
    INTERMEDIARY_PREFIX,
    normalise_catalog_code,
    normalise_list_code,
)
from models.enums import (
    Channel,
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

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100)]
# 监督电话: a landline with its area code (0531-86592345, extension after "-"), a public service
# hotline (12345, 0531-12345) or a mobile number; several joined by "、".
_ONE_PHONE = r"(?:0\d{2,3}-[2-9]\d{6,7}(?:-\d{1,6})?|(?:0\d{2,3}-)?12\d{3}|1[3-9]\d{9})"
SupervisionPhone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=100, pattern=rf"^{_ONE_PHONE}(?:、{_ONE_PHONE})*$"
    ),
]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Yuan = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
FeeItemCode = Annotated[str, AfterValidator(lambda raw: normalise_list_code(FEE_ITEM_PREFIX, raw))]
IntermediaryCode = Annotated[
    str, AfterValidator(lambda raw: normalise_list_code(INTERMEDIARY_PREFIX, raw))
]
CatalogCode = Annotated[str, AfterValidator(normalise_catalog_code)]

MAX_LIST = 100


class Value(BaseModel):
    """Immutable, strict about unknown keys: a typo in an import never vanishes silently."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class TimeLimit(Value):
    """A time limit (办结时限); `value` 0 means handled on the spot (即办)."""

    value: int = Field(ge=0, le=3650)
    unit: TimeUnit = TimeUnit.WORKING_DAY
    note: ShortText | None = None

    def in_working_days(self) -> float:
        """Comparable magnitude, so a promised limit can be checked against a statutory one."""
        per_unit = {
            TimeUnit.WORKING_DAY: 1.0,
            TimeUnit.NATURAL_DAY: 5 / 7,
            TimeUnit.HOUR: 1 / 8,
            TimeUnit.MONTH: 21.0,
        }
        return self.value * per_unit[self.unit]

    def __str__(self) -> str:
        return "即办" if self.value == 0 else f"{self.value}个{self.unit.label}"


class LegalBasis(Value):
    """设定依据: a law or regulation and the article that sets the item."""

    title: Name
    article: ShortText | None = None
    document_number: ShortText | None = None
    text: LongText | None = None


class Material(Value):
    """申请材料."""

    name: Name
    material_type: MaterialType = MaterialType.ORIGINAL
    form: MaterialForm = MaterialForm.PAPER
    original_copies: int | None = Field(default=None, ge=0, le=99)
    copy_copies: int | None = Field(default=None, ge=0, le=99)
    paper_spec: ShortText | None = None
    necessity: Necessity = Necessity.REQUIRED
    source: MaterialSource = MaterialSource.APPLICANT
    source_note: ShortText | None = None
    blank_form: Sha256 | None = None
    sample: Sha256 | None = None
    fill_instructions: LongText | None = None
    accept_standard: LongText | None = None
    basis: ShortText | None = None
    note: LongText | None = None


class ProcessStep(Value):
    """办理流程: one step, who does it and how long it may take."""

    name: Name
    description: LongText | None = None
    handler: ShortText | None = None
    time_limit: TimeLimit | None = None


class FeeLine(Value):
    """收费项目 as the item charges it: a published fee item (行政事业性收费清单) by its code.

    The fee's name, standard and basis live only in the fee item (数据同源); `amount` is what
    this item charges when it differs from the standard or the standard is a range, and must
    stay within the standard (checked when the item is submitted)."""

    fee_item: FeeItemCode
    amount: Yuan | None = None
    note: ShortText | None = None


class Faq(Value):
    question: ShortText
    answer: LongText


class Result(Value):
    """办理结果: what the applicant receives."""

    name: Name
    result_type: ResultType = ResultType.CERTIFICATE
    sample: Sha256 | None = None


class Channels(Value):
    """Where and how the public can handle the item (window, PC, mobile, express, booking)."""

    window: bool = True
    pc_url: Url | None = None
    mobile_url: Url | None = None
    mobile_app: ShortText | None = None
    express: bool = False
    booking: bool = False
    online_payment: bool = False
    self_service_terminal: bool = False

    def available(self) -> set[Channel]:
        flags = {
            Channel.WINDOW: self.window,
            Channel.PC: self.pc_url is not None,
            Channel.MOBILE: self.mobile_url is not None or self.mobile_app is not None,
            Channel.EXPRESS: self.express,
            Channel.BOOKING: self.booking,
            Channel.ONLINE_PAYMENT: self.online_payment,
            Channel.SELF_SERVICE: self.self_service_terminal,
        }
        return {channel for channel, on in flags.items() if on}


class ResponsibilityStep(Value):
    """责任事项 for one procedural step (受理, 审查, 决定, 送达 …)."""

    step: Name
    duty: LongText


class Responsibilities(Value):
    """The 权责清单 part of a power-type item."""

    steps: list[ResponsibilityStep] = Field(default_factory=list, max_length=MAX_LIST)
    accountability: list[LongText] = Field(default_factory=list, max_length=MAX_LIST)
    accountability_basis: LongText | None = None
    supervision_phone: SupervisionPhone | None = None


class MaterialNote(Value):
    """A local note on a baseline material (the baseline itself cannot be changed locally)."""

    material: Name
    note: LongText


class CatalogItemContent(Value):
    """The unified elements of a basic-catalog item, identical wherever it is implemented."""

    name: Name
    aliases: list[Name] = Field(default_factory=list, max_length=MAX_LIST)
    legal_basis: list[LegalBasis] = Field(default_factory=list, max_length=MAX_LIST)
    supervising_department: ShortText | None = None
    levels: list[ExerciseLevel] = Field(default_factory=list, max_length=7)
    service_objects: list[ServiceObject] = Field(default_factory=list, max_length=6)
    accept_conditions: LongText | None = None
    baseline_materials: list[Material] = Field(default_factory=list, max_length=MAX_LIST)
    statutory_time_limit: TimeLimit | None = None
    exercise_content: LongText | None = None
    local_code: ShortText | None = None

    @field_validator("baseline_materials")
    @classmethod
    def _material_names_unique(cls, materials: list[Material]) -> list[Material]:
        _ensure_unique_names(materials)
        return materials


class ServiceItemContent(Value):
    """One agency's implementation guide; everything here may differ between districts."""

    local_codes: list[ShortText] = Field(default_factory=list, max_length=10)
    undertaking_unit: ShortText | None = None
    joint_agencies: list[ShortText] = Field(default_factory=list, max_length=20)
    power_source: PowerSource | None = None
    handling_kind: HandlingKind = HandlingKind.PROMISED
    promised_time_limit: TimeLimit | None = None
    onsite_visits: int = Field(default=1, ge=0, le=10)
    onsite_visits_reason: ShortText | None = None
    online_depth: OnlineDepth = OnlineDepth.DISCLOSURE
    online_stages: list[OnlineStage] = Field(default_factory=list, max_length=8)
    channels: Channels = Field(default_factory=Channels)
    handling_forms: list[HandlingForm] = Field(default_factory=list, max_length=5)
    materials: list[Material] = Field(default_factory=list, max_length=MAX_LIST)
    material_notes: list[MaterialNote] = Field(default_factory=list, max_length=MAX_LIST)
    process: list[ProcessStep] = Field(default_factory=list, max_length=MAX_LIST)
    charging: bool = False
    fee_basis: ShortText | None = None
    fees: list[FeeLine] = Field(default_factory=list, max_length=MAX_LIST)
    intermediaries: list[IntermediaryCode] = Field(default_factory=list, max_length=MAX_LIST)
    faqs: list[Faq] = Field(default_factory=list, max_length=MAX_LIST)
    result: Result | None = None
    address: ShortText | None = None
    hours: ShortText | None = None
    consult_phone: Phone | None = None
    supervise_phone: Phone | None = None
    themes: list[Name] = Field(default_factory=list, max_length=20)
    service_scope: ServiceScope = ServiceScope.LOCAL
    quantity_limit: ShortText | None = None
    special_procedure: ShortText | None = None
    responsibilities: Responsibilities | None = None
    notes: LongText | None = None

    @field_validator("materials")
    @classmethod
    def _material_names_unique(cls, materials: list[Material]) -> list[Material]:
        _ensure_unique_names(materials)
        return materials

    @field_validator("fees")
    @classmethod
    def _fee_items_unique(cls, fees: list[FeeLine]) -> list[FeeLine]:
        _ensure_unique([fee.fee_item for fee in fees], "收费项目重复")
        return fees

    @field_validator("intermediaries")
    @classmethod
    def _intermediaries_unique(cls, codes: list[str]) -> list[str]:
        _ensure_unique(codes, "中介服务事项重复")
        return codes


class FeeStandard(Value):
    """收费标准 as published, with its amount in yuan where it has one: a fixed `amount`
    (不动产登记费 住宅类 80元/件), a range `min_amount`–`max_amount` (分档计收), or text alone
    when the standard is a rate or set elsewhere (按…比例, 按省定标准)."""

    text: ShortText
    amount: Yuan | None = None
    min_amount: Yuan | None = None
    max_amount: Yuan | None = None
    unit: ShortText | None = None

    @model_validator(mode="after")
    def _one_kind_of_amount(self) -> "FeeStandard":
        if self.amount is not None and (self.min_amount is not None or self.max_amount is not None):
            raise ValueError("收费标准只能是固定金额或金额区间之一")
        if (self.min_amount is None) != (self.max_amount is None):
            raise ValueError("金额区间须同时填写下限和上限")
        low, high = self.min_amount, self.max_amount
        if low is not None and high is not None and low > high:
            raise ValueError("金额区间下限不能高于上限")
        if self.has_amount and self.unit is None:
            raise ValueError("有金额的收费标准须写明计费单位，如“元/件”")
        return self

    @property
    def has_amount(self) -> bool:
        return self.amount is not None or self.max_amount is not None

    @property
    def ceiling(self) -> Decimal | None:
        """The most an item may charge under this standard; None when text alone."""
        return self.amount if self.amount is not None else self.max_amount

    @property
    def floor(self) -> Decimal | None:
        """The least it charges without a reduction; None when text alone."""
        return self.amount if self.amount is not None else self.min_amount


class FeeReduction(Value):
    """减免: who or what is reduced or exempted, and on what basis."""

    description: LongText
    basis: ShortText | None = None


class FeeItemContent(Value):
    """A fee item (收费项目) of the 行政事业性收费清单. The collecting agency (执收部门) is the
    record's agency, not content: it decides who may edit the item."""

    name: Name
    payer: ShortText | None = None
    standard: FeeStandard
    basis: list[LegalBasis] = Field(default_factory=list, max_length=MAX_LIST)
    fund_management: FundManagement = FundManagement.TREASURY
    reductions: list[FeeReduction] = Field(default_factory=list, max_length=MAX_LIST)
    note: LongText | None = None

    @property
    def reducible(self) -> bool:
        return bool(self.reductions)


class IntermediaryServiceContent(Value):
    """An intermediary service (中介服务事项) an approval requires. The approving agency
    (审批部门) is the record's agency."""

    name: Name
    approval_items: list[CatalogCode] = Field(default_factory=list, max_length=MAX_LIST)
    basis: list[LegalBasis] = Field(default_factory=list, max_length=MAX_LIST)
    provider_nature: ProviderNature
    provider_requirements: LongText | None = None
    service_content: LongText | None = None
    charging: IntermediaryCharging = IntermediaryCharging.FREE
    fee_standard: ShortText | None = None
    fee_basis: ShortText | None = None
    note: LongText | None = None

    @field_validator("approval_items")
    @classmethod
    def _approval_items_unique(cls, codes: list[str]) -> list[str]:
        _ensure_unique(codes, "审批事项重复")
        return codes


def _ensure_unique(values: list[str], message: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{message}：{value}")
        seen.add(value)


def _ensure_unique_names(materials: list[Material]) -> None:
    seen: set[str] = set()
    for material in materials:
        if material.name in seen:
            raise ValueError(f"材料名称重复：{material.name}")
        seen.add(material.name)


__all__ = [
    "CatalogItemContent",
    "Channels",
    "ExerciseLevel",
    "Faq",
    "FeeItemContent",
    "FeeLine",
    "FeeReduction",
    "FeeStandard",
    "IntermediaryServiceContent",
    "LegalBasis",
    "Material",
    "MaterialNote",
    "ProcessStep",
    "Responsibilities",
    "ResponsibilityStep",
    "Result",
    "ServiceItemContent",
    "TimeLimit",
]
