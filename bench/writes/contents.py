"""Contents of the benchmark's records: one realistic public service (老年人优待证办理) as the
basic-catalog item, and each implementer's local guide for it. Validated on construction."""

from typing import Any

from models.content import CatalogItemContent, ServiceItemContent

CATALOG_NAME = "老年人优待证办理"
MATERIALS = ("居民身份证", "户口簿", "近期免冠彩色照片", "授权委托书")


def _material(name: str, necessity: str, note: str | None = None) -> dict[str, Any]:
    material: dict[str, Any] = {
        "name": name,
        "material_type": "0",
        "form": "1",
        "original_copies": 1,
        "necessity": necessity,
        "source": "4" if name != "授权委托书" else "1",
    }
    if note:
        material["note"] = note
    return material


def catalog_content(statutory_days: int, name: str = CATALOG_NAME) -> dict[str, Any]:
    content = {
        "name": name,
        "legal_basis": [
            {"title": "《中华人民共和国老年人权益保障法》", "article": "第五十七条"},
            {"title": "《山东省老年人权益保障条例》", "article": "第四十二条"},
        ],
        "supervising_department": "济南市民政局",
        "levels": ["4", "5", "6"],
        "service_objects": ["1"],
        "accept_conditions": "具有本市户籍、年满60周岁的老年人，或者在本市居住的外埠老年人",
        "baseline_materials": [
            _material("居民身份证", "1"),
            _material("户口簿", "2", "外埠老年人提供居住证"),
            _material("近期免冠彩色照片", "1", "一寸，白底"),
            _material("授权委托书", "2", "委托他人办理的提供"),
        ],
        "statutory_time_limit": {"value": statutory_days, "unit": "1"},
    }
    return CatalogItemContent.model_validate(content).model_dump(mode="json", exclude_none=True)


def service_content(
    *, unit: str, address: str, phone: str, promised_days: int, revision: int = 0
) -> dict[str, Any]:
    """A local guide whose promised limit is `promised_days` working days."""
    content = {
        "undertaking_unit": unit,
        "handling_kind": "2",
        "promised_time_limit": {"value": promised_days, "unit": "1"},
        "onsite_visits": 1,
        "onsite_visits_reason": "需现场采集照片并核验老年人身份",
        "online_depth": "3",
        "online_stages": ["1", "2", "3"],
        "channels": {"window": True, "mobile_app": "爱山东APP（泉城办）", "express": True},
        "handling_forms": ["1", "2"],
        "material_notes": [
            {"material": "近期免冠彩色照片", "note": "可在窗口现场免费拍摄"},
            {"material": "居民身份证", "note": "行动不便的老年人可由社区工作人员上门核验"},
        ],
        "process": [
            {
                "name": "申请",
                "description": "申请人到窗口或者通过“爱山东”APP提交申请",
                "handler": "申请人",
                "time_limit": {"value": 0, "unit": "1"},
            },
            {
                "name": "受理",
                "description": "核对申请材料，符合条件的当场受理",
                "handler": "窗口工作人员",
                "time_limit": {"value": 0, "unit": "1"},
            },
            {
                "name": "审核",
                "description": "审核申请人年龄及户籍或者居住信息",
                "handler": "经办人员",
                "time_limit": {"value": promised_days - 1, "unit": "1"},
            },
            {
                "name": "办结",
                "description": "制发老年人优待证，窗口领取或者免费邮寄",
                "handler": "经办人员",
                "time_limit": {"value": 1, "unit": "1"},
            },
        ],
        "faqs": [
            {"question": "优待证丢失了怎么办？", "answer": "携带居民身份证到原办理窗口申请补办。"},
            {
                "question": "如何查询办理进度？",
                "answer": f"登录“爱山东”APP“我的办件”查询，或者拨打{phone}。",
            },
        ],
        "result": {"name": "济南市老年人优待证", "result_type": "1"},
        "address": address,
        "hours": f"周一至周五 上午9:00-12:00，下午13:30-17:00（第{revision}版）",
        "consult_phone": phone,
        "supervise_phone": "0531-12345",
        "themes": ["养老服务"],
        "service_scope": "1",
        "quantity_limit": "无数量限制",
    }
    return ServiceItemContent.model_validate(content).model_dump(mode="json", exclude_none=True)
