"""docs/import.md documents every column of every template."""

from pathlib import Path

from catalog_api.catalog.imports.templates import TEMPLATES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_every_column_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for template in TEMPLATES.values():
        section = text.split(f"（`{template.slug}`）", 1)[1].split("###", 1)[0]
        for column in template.columns:
            assert f"| {column.header} | `{column.key}` |" in section, (template.slug, column.key)
