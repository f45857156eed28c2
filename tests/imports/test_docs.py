"""docs/import.md documents every column of every template."""

from pathlib import Path

from catalog_api.catalog.imports.list_files import LIST_FILES
from catalog_api.catalog.imports.templates import TEMPLATES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_every_column_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for template in TEMPLATES.values():
        section = text.split(f"（`{template.slug}`）", 1)[1].split("###", 1)[0]
        for column in template.columns:
            assert f"| {column.header} | `{column.key}` |" in section, (template.slug, column.key)


def test_every_list_column_is_documented_as_editable_or_read_only() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for list_file in LIST_FILES.values():
        editable = "、".join(c.header for c in list_file.columns if c.apply is not None)
        read_only = "、".join(c.header for c in list_file.columns if c.apply is None)
        row = f"（`{list_file.slug}`） | {list_file.headers[1]} | {editable} | {read_only} |"
        assert row in text, list_file.slug
