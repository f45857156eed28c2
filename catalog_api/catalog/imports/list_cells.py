"""Reading an edited cell of a public list back into the field it prints, as the list prints
it: `5个工作日`, `《名称》条款（文号）` per line, `环节：责任事项` per line, a fee standard with
its amount. Each reader sets its field(s) on a content dict (JSON, as stored); a cell it cannot
read raises `CellError` with what to write instead."""

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from catalog_api.catalog import public_lists
from catalog_api.catalog.imports.cells import CellError, enum_code
from models.content import LegalBasis
from models.enums import TimeUnit

Apply = Callable[[dict[str, Any], str], None]  # sets the field(s) of content (JSON) from a cell


def text(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        content[field_name] = text or None

    return apply


def required_text(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        if not text:
            raise CellError("不能为空")
        content[field_name] = text

    return apply


def code_list(field_name: str, enum: type[StrEnum], *, optional: bool = False) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        if not text and optional:
            content[field_name] = None
        elif not text:
            raise CellError("不能为空")
        else:
            content[field_name] = enum_code(enum, text)

    return apply


def count(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        folded = unicodedata.normalize("NFKC", text)
        if not re.fullmatch(r"\d+", folded):
            raise CellError(f"应为整数：{text}")
        content[field_name] = int(folded)

    return apply


_UNITS = {member.label: member.value for member in TimeUnit}
_TIME_LIMIT = re.compile(r"(\d+)\s*个?\s*(" + "|".join(_UNITS) + ")")


def time_limit(field_name: str) -> Apply:
    """`5个工作日`, `3个小时`, `即办` (how the list prints a time limit); blank: none."""

    def apply(content: dict[str, Any], text: str) -> None:
        kept = content.get(field_name) or {}
        folded = unicodedata.normalize("NFKC", text).replace(" ", "")
        if not folded:
            content[field_name] = None
        elif folded == "即办":
            content[field_name] = {**kept, "value": 0}
        elif match := _TIME_LIMIT.fullmatch(folded):
            content[field_name] = {**kept, "value": int(match[1]), "unit": _UNITS[match[2]]}
        else:
            raise CellError(f"应写成“5个工作日”“3个小时”“即办”等：{text}")

    return apply


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _kept_or(existing: list[dict[str, Any]], render: Callable[[dict], str]) -> Callable:
    """A line equal to an existing entry's rendering keeps that entry (and what the list does not
    print of it, like a basis's full text); any other line is read afresh."""
    by_line = {render(entry): entry for entry in existing}
    return lambda line, read: by_line.get(line) or read(line)


def _basis_line(basis: dict[str, Any]) -> str:
    return public_lists.legal_basis_text([LegalBasis.model_validate(basis)])


_BASIS = re.compile(
    r"(?P<title>《[^》]+》|[^（(]+?)(?P<article>[^（(]*?)(?:[（(](?P<number>[^）)]+)[）)])?"
)


def _read_basis(line: str) -> dict[str, Any]:
    """`《title》article（文号）`, as the list prints a basis."""
    match = _BASIS.fullmatch(line)
    if match is None:
        raise CellError(f"无法读出依据：{line}（应为“《名称》条款（文号）”）")
    found = {"title": match["title"].strip(), "article": match["article"].strip() or None}
    found["document_number"] = match["number"].strip() if match["number"] else None
    return {key: value for key, value in found.items() if value}


def bases(field_name: str) -> Apply:
    def apply(content: dict[str, Any], text: str) -> None:
        keep = _kept_or(content.get(field_name) or [], _basis_line)
        content[field_name] = [keep(line, _read_basis) for line in _lines(text)]

    return apply


def _reduction_line(reduction: dict[str, Any]) -> str:
    basis = reduction.get("basis")
    return reduction.get("description", "") + (f"（{basis}）" if basis else "")


def _read_reduction(line: str) -> dict[str, Any]:
    """`减免内容（依据）`: the last bracket, when the line ends with one, is the basis."""
    match = re.fullmatch(r"(?P<description>.+?)[（(](?P<basis>[^（(）)]+)[）)]", line)
    if match is None:
        return {"description": line}
    return {"description": match["description"].strip(), "basis": match["basis"].strip()}


def reductions(content: dict[str, Any], text: str) -> None:
    keep = _kept_or(content.get("reductions") or [], _reduction_line)
    content["reductions"] = [keep(line, _read_reduction) for line in _lines(text)]


_AMOUNT = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(_AMOUNT + r"\s*元?\s*(?:-|–|—|~|～|至|到)\s*" + _AMOUNT + r"\s*元")
_ONE = re.compile(_AMOUNT + r"\s*元")


def fee_standard(content: dict[str, Any], text: str) -> None:
    """The printed standard, and the amount read from it again: one `N元` is a fixed amount,
    `N–M元` a range, none a standard in words. Several amounts cannot be told apart."""
    if not text:
        raise CellError("不能为空")
    kept = {"text": text, "unit": (content.get("standard") or {}).get("unit")}
    folded = unicodedata.normalize("NFKC", text)
    ranges = _RANGE.findall(folded)
    amounts = _ONE.findall(_RANGE.sub("", folded))  # besides the ranges
    if len(ranges) == 1 and not amounts:
        kept |= {"min_amount": ranges[0][0], "max_amount": ranges[0][1]}
    elif not ranges and len(amounts) == 1:
        kept["amount"] = amounts[0]
    elif ranges or amounts:
        raise CellError(
            "含多个金额，无法确定收费金额：请在收费项目模板（fee-items）的收费标准列中分别填写"
        )
    content["standard"] = {key: value for key, value in kept.items() if value is not None}


def duty(field_name: str, key: str, read: Callable[[str], Any]) -> Apply:
    """One part of 权责清单 (`responsibilities`), created when the item has none yet."""

    def apply(content: dict[str, Any], text: str) -> None:
        content[field_name] = {**(content.get(field_name) or {}), key: read(text)}

    return apply


def steps(text: str) -> list[dict[str, str]]:
    steps = []
    for line in _lines(text):
        match = re.fullmatch(r"([^：:]+)[：:](.+)", line)
        if match is None:
            raise CellError(f"每行应为“环节：责任事项”：{line}")
        steps.append({"step": match[1].strip(), "duty": match[2].strip()})
    return steps


def accountability(text: str) -> list[str]:
    return [re.sub(r"^\d+\s*[.、．]\s*", "", line) for line in _lines(text)]


def supervision_phone(content: dict[str, Any], text: str) -> None:
    """The list prints the 权责清单's phone, else the guide's: the edit goes where it came from."""
    duties = content.get("responsibilities")
    if duties:
        content["responsibilities"] = {**duties, "supervision_phone": text or None}
    else:
        content["supervise_phone"] = text or None


def reason(content: dict[str, Any], text: str) -> None:
    content["onsite_visits_reason"] = None if text in ("", "无需到现场") else text
