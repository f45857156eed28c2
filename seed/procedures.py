"""Process steps (办理流程) and 权责清单 responsibilities by item type, from procedures.yaml."""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from models.content import ProcessStep, Responsibilities, ResponsibilityStep, TimeLimit
from models.enums import ItemType
from seed.yaml_data import read_yaml


@lru_cache(maxsize=1)
def _data() -> Mapping[str, Any]:
    return read_yaml("procedures.yaml")


def process_templates() -> tuple[str, ...]:
    return tuple(_data()["processes"])


def split_days(total: int, weights: list[int]) -> list[int]:
    """Share `total` over the steps by weight; the rest goes to the heaviest step, so the steps
    add up to exactly the promise (and a zero-weight step is done on the spot)."""
    weight_sum = sum(weights)
    if weight_sum == 0 or total == 0:
        return [0] * len(weights)
    shares = [total * weight // weight_sum for weight in weights]
    shares[weights.index(max(weights))] += total - sum(shares)
    return shares


def process_steps(template: str, promised: TimeLimit | None) -> list[ProcessStep]:
    rows = _data()["processes"][template]
    if promised is None:
        return [ProcessStep(name=name, handler=handler, description=text)
                for name, handler, text, _ in rows]
    days = split_days(promised.value, [weight for *_, weight in rows])
    return [
        ProcessStep(name=name, handler=handler, description=text,
                    time_limit=TimeLimit(value=value, unit=promised.unit))
        for (name, handler, text, _), value in zip(rows, days, strict=True)
    ]


def responsibilities(item_type: ItemType, supervision_phone: str) -> Responsibilities | None:
    """The 权责清单 part; public services (type 20) are not powers and have none."""
    spec = _data()["responsibilities"].get(item_type.label)
    if spec is None:
        return None
    return Responsibilities(
        steps=[ResponsibilityStep(step=step, duty=duty) for step, duty in spec["steps"]],
        accountability=spec["accountability"],
        accountability_basis=spec["basis"],
        supervision_phone=supervision_phone,
    )
