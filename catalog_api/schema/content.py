"""The guide's value types as GraphQL objects, built from the validated content models."""

import strawberry

from catalog_api.schema.context import Info
from catalog_api.schema.enums import (
    MaterialForm,
    MaterialOrigin,
    MaterialSource,
    MaterialType,
    Necessity,
    ResultType,
    TimeUnit,
)
from models import content as c
from models.enums import MaterialOrigin as Origin


@strawberry.type(description="A blank form or sample file (表格及样表), served at `url`.")
class Attachment:
    sha256: str
    file_name: str
    content_type: str
    size: int

    @strawberry.field(description="Where to download the file.")
    def url(self) -> str:
        return f"/attachments/{self.sha256}"


async def attachment(info: Info, sha256: str | None) -> Attachment | None:
    if sha256 is None:
        return None
    row = await info.context.loaders.attachment_by_sha.load(sha256)
    if row is None:
        return None
    return Attachment(
        sha256=row.sha256, file_name=row.file_name, content_type=row.content_type, size=row.size
    )


@strawberry.type(description="A time limit (办结时限); `value` 0 means on the spot (即办).")
class TimeLimit:
    value: int
    unit: TimeUnit
    note: str | None
    text: str = strawberry.field(description="As the guide prints it, e.g. 20个工作日 or 即办.")

    @classmethod
    def of(cls, limit: c.TimeLimit | None) -> "TimeLimit | None":
        if limit is None:
            return None
        return cls(value=limit.value, unit=limit.unit, note=limit.note, text=str(limit))


@strawberry.type(description="Legal basis (设定依据).")
class LegalBasis:
    title: str
    article: str | None
    document_number: str | None
    text: str | None


@strawberry.type(description="An application material (申请材料).")
class Material:
    name: str
    origin: MaterialOrigin
    material_type: MaterialType
    form: MaterialForm
    original_copies: int | None
    copy_copies: int | None
    paper_spec: str | None
    necessity: Necessity
    source: MaterialSource
    source_note: str | None
    fill_instructions: str | None
    accept_standard: str | None
    basis: str | None
    note: str | None
    blank_form_sha256: strawberry.Private[str | None]
    sample_sha256: strawberry.Private[str | None]

    @strawberry.field(description="Blank form (空白表格).")
    async def blank_form(self, info: Info) -> Attachment | None:
        return await attachment(info, self.blank_form_sha256)

    @strawberry.field(description="Filled-in sample (示例样表).")
    async def sample(self, info: Info) -> Attachment | None:
        return await attachment(info, self.sample_sha256)

    @classmethod
    def of(cls, material: c.Material, origin: Origin, local_note: str | None = None) -> "Material":
        fields = material.model_dump(exclude={"blank_form", "sample", "note"})
        notes = [note for note in (material.note, local_note) if note]
        return cls(
            **fields,
            origin=origin,
            note="；".join(notes) or None,
            blank_form_sha256=material.blank_form,
            sample_sha256=material.sample,
        )


@strawberry.type(description="A step of the process (办理流程).")
class ProcessStep:
    name: str
    description: str | None
    handler: str | None
    time_limit: TimeLimit | None


@strawberry.type(description="A frequently asked question (常见问题).")
class Faq:
    question: str
    answer: str


@strawberry.type(description="What the applicant receives (办理结果).")
class Result:
    name: str
    result_type: ResultType
    sample_sha256: strawberry.Private[str | None]

    @strawberry.field(description="Sample of the result (结果样本).")
    async def sample(self, info: Info) -> Attachment | None:
        return await attachment(info, self.sample_sha256)


@strawberry.type(description="Channels: window, PC and mobile addresses, express, booking.")
class Channels:
    window: bool
    pc_url: str | None
    mobile_url: str | None
    mobile_app: str | None
    express: bool
    booking: bool
    online_payment: bool
    self_service_terminal: bool


@strawberry.type(description="Responsibility for one procedural step (责任事项).")
class ResponsibilityStep:
    step: str
    duty: str


@strawberry.type(description="Powers and responsibilities (权责清单) of a power-type item.")
class Responsibilities:
    steps: list[ResponsibilityStep]
    accountability: list[str]
    accountability_basis: str | None
    supervision_phone: str | None


def legal_basis(items: list[c.LegalBasis]) -> list[LegalBasis]:
    return [LegalBasis(**item.model_dump()) for item in items]


def process(steps: list[c.ProcessStep]) -> list[ProcessStep]:
    return [
        ProcessStep(
            name=step.name,
            description=step.description,
            handler=step.handler,
            time_limit=TimeLimit.of(step.time_limit),
        )
        for step in steps
    ]


def result(value: c.Result | None) -> Result | None:
    if value is None:
        return None
    return Result(name=value.name, result_type=value.result_type, sample_sha256=value.sample)


def responsibilities(value: c.Responsibilities | None) -> Responsibilities | None:
    if value is None:
        return None
    return Responsibilities(
        steps=[ResponsibilityStep(step=s.step, duty=s.duty) for s in value.steps],
        accountability=list(value.accountability),
        accountability_basis=value.accountability_basis,
        supervision_phone=value.supervision_phone,
    )
