"""The demo's fee items (行政事业性收费清单) and intermediary services (中介服务事项清单), and the
links guides make to them by name (fees.yaml, intermediaries.yaml)."""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from models.content import FeeItemContent, FeeLine, IntermediaryServiceContent, LegalBasis
from models.enums import FundManagement, IntermediaryCharging, ProviderNature
from seed.records import ListSeed
from seed.reference import AgencyProfile
from seed.yaml_data import member, read_yaml


@lru_cache(maxsize=1)
def fee_catalogue() -> Mapping[str, Mapping[str, Any]]:
    return read_yaml("fees.yaml")  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def intermediary_catalogue() -> Mapping[str, Mapping[str, Any]]:
    return read_yaml("intermediaries.yaml")  # type: ignore[no-any-return]


def fee_item_content(name: str, spec: Mapping[str, Any]) -> FeeItemContent:
    return FeeItemContent(
        name=name,
        payer=spec.get("payer"),
        standard=spec["standard"],
        basis=spec["basis"],
        fund_management=member(FundManagement, spec.get("fund", "缴入国库")),
        reductions=spec.get("reductions", []),
        note=spec.get("note"),
    )


def intermediary_content(name: str, spec: Mapping[str, Any]) -> IntermediaryServiceContent:
    return IntermediaryServiceContent(
        name=name,
        approval_items=spec["approval_items"],
        basis=spec["basis"],
        provider_nature=member(ProviderNature, spec["provider_nature"]),
        provider_requirements=spec.get("provider_requirements"),
        service_content=spec.get("service_content"),
        charging=member(IntermediaryCharging, spec.get("charging", "不收费")),
        fee_standard=spec.get("fee_standard"),
        fee_basis=spec.get("fee_basis"),
        note=spec.get("note"),
    )


def _uscc_by_name(agencies: list[AgencyProfile]) -> dict[str, str]:
    return {profile.seed.name: profile.seed.uscc for profile in agencies}


def load_fee_items(agencies: list[AgencyProfile]) -> list[ListSeed]:
    usccs = _uscc_by_name(agencies)
    return [
        ListSeed(spec["code"], usccs[spec["agency"]], fee_item_content(name, spec))
        for name, spec in fee_catalogue().items()
    ]


def load_intermediaries(agencies: list[AgencyProfile]) -> list[ListSeed]:
    usccs = _uscc_by_name(agencies)
    return [
        ListSeed(spec["code"], usccs[spec["agency"]], intermediary_content(name, spec))
        for name, spec in intermediary_catalogue().items()
    ]


def fee_lines(names: list[str]) -> list[FeeLine]:
    """A guide's fee lines: the fee items it charges, at their standard."""
    return [FeeLine(fee_item=fee_catalogue()[name]["code"]) for name in names]


def fee_basis(names: list[str]) -> str | None:
    """The guide's 收费依据: its fee items' policy bases with their 文号, once each."""
    cited = []
    for name in names:
        for raw in fee_catalogue()[name]["basis"]:
            basis = LegalBasis.model_validate(raw)
            number = f"（{basis.document_number}）" if basis.document_number else ""
            cited.append(f"{basis.title}{basis.article or ''}{number}")
    return "；".join(dict.fromkeys(cited)) or None


def intermediary_codes(names: list[str]) -> list[str]:
    return [intermediary_catalogue()[name]["code"] for name in names]
