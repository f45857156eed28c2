"""A scenario's content (一件事), as a typed, validated value like the guides in content.py."""

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from models.codes import parse_implementation_code
from models.content import MAX_LIST, LongText, Name, ShortText, Value
from models.enums import ScenarioTheme, ServiceObject

MIN_MEMBERS = 2

ImplementationCode = Annotated[str, AfterValidator(lambda raw: str(parse_implementation_code(raw)))]


class ScenarioMember(Value):
    """A service item the scenario handles (成员事项), by its implementation code."""

    item: ImplementationCode = Field(description="实施编码（31位）或业务办理项编码（33位）")
    note: ShortText | None = Field(default=None, description="在本事项中的说明，如“按需办理”")


class ScenarioContent(Value):
    """一件事: several service items handled together, with one merged material list."""

    name: Name = Field(description="名称，如“新生儿出生一件事”")
    theme: ScenarioTheme = Field(description="生命周期主题，如 出生、准入准营")
    service_objects: list[ServiceObject] = Field(
        default_factory=list, max_length=6, description="服务对象"
    )
    members: list[ScenarioMember] = Field(max_length=MAX_LIST, description="成员事项，按办理顺序")
    description: LongText | None = Field(default=None, description="事项说明（联办内容、适用情形）")
    process: LongText | None = Field(default=None, description="办理流程概述")
    address: ShortText | None = Field(default=None, description="办理地点（综合窗口）")
    consult_phone: ShortText | None = Field(default=None, description="咨询电话")

    @field_validator("members")
    @classmethod
    def _members_unique(cls, members: list[ScenarioMember]) -> list[ScenarioMember]:
        if len(members) < MIN_MEMBERS:
            raise ValueError(f"一件事至少包含{MIN_MEMBERS}个成员事项")
        seen: set[str] = set()
        for member in members:
            if member.item in seen:
                raise ValueError(f"成员事项重复：{member.item}")
            seen.add(member.item)
        return members
