"""Blank forms (空白表格), filled samples (示例样表) and result samples (结果样本) as real files.

Every file is generated, never stored: XLSX application forms with openpyxl and one-page PDF
result samples. The bytes are the same on every run (fixed document times, fixed zip entry
times), so their sha256 content addresses are stable and materials can reference them.
"""

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.writer.excel import ExcelWriter

from seed.pdf import certificate_pdf
from seed.records import FileSeed
from seed.yaml_data import read_yaml, read_yaml_dir

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
FIXED_TIME = datetime(2019, 6, 1, 9, 0, 0)
_ZIP_TIME = (2019, 6, 1, 9, 0, 0)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SIGNATURE = "申请人（签字或盖章）：                    日期：      年    月    日"


@dataclass(frozen=True)
class Attachments:
    """The generated files and their content addresses by form key and by result name."""

    files: tuple[FileSeed, ...]
    blank: Mapping[str, str]
    sample: Mapping[str, str]
    result: Mapping[str, str]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fill_sheet(ws, title: str, fields: dict[str, str], notes: list[str], sample: bool) -> None:
    ws.merge_cells("A1:D1")
    ws["A1"] = title
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws["A2"] = "【示例样表】本表仅供填写参考，个人信息已作脱敏处理" if sample else "编号："
    if sample:
        ws["A2"].font = Font(name="宋体", size=10, color="C00000")
    row = 3
    for label, value in fields.items():
        ws.cell(row=row, column=1, value=label).border = _BOX
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        cell = ws.cell(row=row, column=2, value=str(value) if sample else None)
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[row].height = 28
        row += 1
    ws.cell(row=row + 1, column=1, value=_SIGNATURE)
    for offset, note in enumerate(["填表说明：", *notes, "请使用黑色签字笔填写，字迹清晰工整。"]):
        ws.cell(row=row + 3 + offset, column=1, value=note).font = Font(name="宋体", size=9)
    ws.column_dimensions["A"].width = 26
    for column in "BCD":
        ws.column_dimensions[column].width = 22


def _normalised_zip(raw: bytes) -> bytes:
    """Rewrite the archive with fixed entry times: zip headers otherwise carry the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def form_xlsx(title: str, fields: dict[str, str], notes: list[str], sample: bool) -> bytes:
    workbook = Workbook()
    _fill_sheet(workbook.active, title, fields, notes, sample)
    workbook.active.title = "示例样表" if sample else "申请表"
    props = workbook.properties
    props.title, props.creator, props.last_modified_by = title, "济南市政务服务中心", None
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() stamps `modified` with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _normalised_zip(buffer.getvalue())


def _form_files(specs: dict[str, dict]) -> tuple[list[FileSeed], dict[str, str], dict[str, str]]:
    files, blank, sample = [], {}, {}
    for key, spec in specs.items():
        fields, notes = spec["fields"], spec.get("notes", [])
        for is_sample, index, suffix in ((False, blank, "空白表格"), (True, sample, "示例样表")):
            data = form_xlsx(key, fields, notes, is_sample)
            files.append(FileSeed(f"{key}（{suffix}）.xlsx", XLSX_TYPE, data))
            index[key] = sha256(data)
    return files, blank, sample


def _result_files(specs: dict[str, dict]) -> tuple[list[FileSeed], dict[str, str]]:
    files, index = [], {}
    for name, spec in specs.items():
        data = certificate_pdf(name, list(spec["fields"].items()), spec["issuer"])
        files.append(FileSeed(f"{name}（样本）.pdf", PDF_TYPE, data))
        index[name] = sha256(data)
    return files, index


def build_attachments() -> Attachments:
    """Generate every file afresh (deterministic: two calls give identical bytes)."""
    forms: dict[str, dict] = {}
    for part in read_yaml_dir("forms"):
        forms.update(part)
    form_files, blank, sample = _form_files(forms)
    result_files, results = _result_files(read_yaml("results.yaml"))
    return Attachments(tuple(form_files + result_files), blank, sample, results)


@lru_cache(maxsize=1)
def demo_attachments() -> Attachments:
    """The files, generated once per process: they are immutable bytes, safe to share."""
    return build_attachments()
