"""A minimal one-page PDF writer for result samples (审批结果样本), byte-stable across runs.

Text uses the standard Adobe CJK font STSong-Light (UniGB-UCS2-H), which every PDF reader
provides, so nothing is embedded and the files stay a few kilobytes.
"""

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 72
CREATED = "D:20190601090000+08'00'"
ISSUE_DATE = "2019年06月01日"


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _width(text: str, size: float) -> float:
    """Full-width glyphs are 1 em, ASCII half an em (the font's /W entry says so)."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text) * size


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and _width(current + ch, size) > width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current]


def _text(x: float, y: float, size: float, text: str) -> str:
    return f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td {_hex(text)} Tj ET"


def _page_content(title: str, fields: list[tuple[str, str]], issuer: str) -> str:
    title_size = min(26.0, (PAGE_WIDTH - 2 * 48) / _width(title, 1))  # long titles shrink to fit
    ops = [
        # Watermark first, so the certificate text prints over it.
        f"q 0.85 g BT /F1 110 Tf 0.7071 0.7071 -0.7071 0.7071 190 260 Tm {_hex('样本')} Tj ET Q",
        _text((PAGE_WIDTH - _width(title, title_size)) / 2, 740, title_size, title),
        _text((PAGE_WIDTH - _width("（样本）", 14)) / 2, 712, 14, "（样本）"),
    ]
    y = 660.0
    for label, value in fields:
        for line in _wrap(f"{label}：{value}", 13, PAGE_WIDTH - 2 * MARGIN):
            ops.append(_text(MARGIN, y, 13, line))
            y -= 24
        y -= 6
    ops.append(_text(PAGE_WIDTH - MARGIN - _width(issuer, 13), 170, 13, issuer))
    ops.append(_text(PAGE_WIDTH - MARGIN - _width(ISSUE_DATE, 13), 146, 13, ISSUE_DATE))
    return "\n".join(ops)


def _objects(title: str, content: bytes) -> list[bytes]:
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [6 0 R] >>"
    )
    cid_font = (
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>"
    )
    descriptor = (
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
        b" /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120"
        b" /CapHeight 880 /StemV 93 >>"
    )
    # Text strings outside content streams are UTF-16BE with a byte-order mark.
    title_bom = f"<FEFF{_hex(title)[1:]}"
    info = f"<< /Title {title_bom} /Producer (yichuang seed) /CreationDate ({CREATED}) >>"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]".encode()
        + b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        font,
        cid_font,
        descriptor,
        info.encode("ascii"),
    ]


def certificate_pdf(title: str, fields: list[tuple[str, str]], issuer: str) -> bytes:
    """A one-page certificate-style sample: title, the fields, the issuer and a 样本 watermark."""
    content = _page_content(title, fields, issuer).encode("ascii")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(_objects(title, content), start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /Info 8 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
