"""Pieces of a local guide that follow from a few decisions: channels, stages, result, FAQs."""

from collections.abc import Mapping
from typing import Any

from models.content import Channels, Faq, Result
from models.enums import HandlingForm, OnlineDepth, OnlineStage, ResultType
from seed.forms import Attachments
from seed.yaml_data import member

PORTAL = "https://www.jnzwfw.gov.cn/jnzwfw/icity/proinfo/index?code="
MOBILE_APP = "爱山东APP（泉城办）"
_ORG_SUFFIXES = ("处", "科", "中心", "部", "所", "队", "室", "馆", "窗口", "站")
# Result names say what kind of result they are (R02): …证 issued, …决定书 a document, …批复.
_RESULT_SUFFIXES = (
    (("证", "证书", "执照"), ResultType.CERTIFICATE),
    (("决定书", "通知书", "告知书", "决定"), ResultType.DOCUMENT),
    (("批复",), ResultType.APPROVAL),
)
_STAGES_BY_DEPTH = {
    OnlineDepth.DISCLOSURE: (OnlineStage.CONSULTATION,),
    OnlineDepth.ONLINE_PREREVIEW: (
        OnlineStage.CONSULTATION, OnlineStage.SUBMISSION, OnlineStage.PREREVIEW),
    OnlineDepth.ONLINE_APPLICATION: (
        OnlineStage.CONSULTATION, OnlineStage.SUBMISSION, OnlineStage.PREREVIEW,
        OnlineStage.ACCEPTANCE, OnlineStage.RESULT_FEEDBACK),
    OnlineDepth.FULLY_ONLINE: (
        OnlineStage.CONSULTATION, OnlineStage.SUBMISSION, OnlineStage.PREREVIEW,
        OnlineStage.ACCEPTANCE, OnlineStage.HANDLING, OnlineStage.RESULT_FEEDBACK),
}


def undertaking_unit(stem: str | None, short_name: str, level_digit: str) -> str:
    """承办机构: a street's 便民服务中心; else the agency's division (处 in the city, 科 below)."""
    if level_digit == "5":
        return f"{short_name.removesuffix('办事处')}便民服务中心"
    if stem is None:
        return f"{short_name}政务服务窗口"
    if stem.endswith(_ORG_SUFFIXES):
        return f"{short_name}{stem}"
    return f"{short_name}{stem}{'处' if level_digit == '3' else '科'}"


def result_type_of(name: str) -> ResultType:
    for suffixes, result_type in _RESULT_SUFFIXES:
        if name.endswith(suffixes):
            return result_type
    return ResultType.OTHER


def result(raw: str | Mapping[str, Any] | None, files: Attachments) -> Result | None:
    """`name` or `{name, type}`; a sample is attached whenever results.yaml renders one."""
    if raw is None:
        return None
    spec = {"name": raw} if isinstance(raw, str) else dict(raw)
    name = spec["name"]
    kind = member(ResultType, spec["type"]) if "type" in spec else result_type_of(name)
    return Result(name=name, result_type=kind, sample=files.result.get(name))


def online_stages(depth: OnlineDepth, issues_certificate: bool) -> list[OnlineStage]:
    stages = list(_STAGES_BY_DEPTH[depth])
    if depth is OnlineDepth.FULLY_ONLINE and issues_certificate:
        stages.append(OnlineStage.E_LICENCE)
    return stages


def channels(code: str, depth: OnlineDepth, express: bool, flags: Mapping[str, bool]) -> Channels:
    """`flags`: window, booking, payment, terminal as decided for this implementation."""
    return Channels(
        window=flags["window"],
        pc_url=f"{PORTAL}{code}" if depth is not OnlineDepth.DISCLOSURE else None,
        mobile_app=MOBILE_APP if depth.value >= OnlineDepth.ONLINE_APPLICATION.value else None,
        express=express,
        booking=flags["booking"],
        online_payment=flags["payment"],
        self_service_terminal=flags["terminal"],
    )


def handling_forms(chosen: Channels, depth: OnlineDepth) -> list[HandlingForm]:
    if not chosen.window and depth is OnlineDepth.DISCLOSURE:
        return [HandlingForm.OTHER]  # powers exercised ex officio: nobody applies
    forms = [HandlingForm.WINDOW] if chosen.window else []
    if depth.value >= OnlineDepth.ONLINE_APPLICATION.value:
        forms += [HandlingForm.ONLINE_PC, HandlingForm.ONLINE_MOBILE]
    if chosen.express:
        forms.append(HandlingForm.EXPRESS)
    return forms


def faqs(
    raw: list[Mapping[str, str]] | None, agency: str, phone: str, ex_officio: bool
) -> list[Faq]:
    """The template's FAQs plus one every guide answers: progress, or remedies for powers."""
    items = [Faq(question=row["q"], answer=row["a"]) for row in raw or []]
    if ex_officio:
        items.append(Faq(
            question="对处理决定不服怎么办？",
            answer=f"当事人对{agency}作出的决定不服的，可以自知道该决定之日起六十日内依法申请"
            "行政复议，或者自知道或者应当知道作出决定之日起六个月内依法提起行政诉讼。",
        ))
    else:
        items.append(Faq(
            question="如何查询办理进度？",
            answer="可登录济南市政务服务网（www.jnzwfw.gov.cn）或者“爱山东”APP“我的办件”查询，"
            f"也可拨打咨询电话{phone}查询。",
        ))
    return items
