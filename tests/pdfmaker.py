"""Make a small PDF with Chinese text for the import tests: the suite builds its own PDF, never ships one."""

from __future__ import annotations


def make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose text is CJK, drawn with a Type0 font (Identity-H) whose CIDs are the characters' code
    points and a ToUnicode CMap that maps them back: enough for text extraction (the glyphs are not
    embedded: nothing here is meant to be looked at)."""
    chars = sorted({ord(c) for page in pages for line in page for c in line})
    if any(c > 0xFFFF for c in chars):
        raise ValueError("BMP only")
    cmap_lines = [f"<{c:04X}> <{c:04X}>" for c in chars]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    )
    for i in range(0, len(cmap_lines), 100):
        chunk = cmap_lines[i : i + 100]
        cmap += f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled below
    pages_obj = add(b"")
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap.encode()) + cmap.encode() + b"\nendstream")
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /DW 1000 /FontDescriptor << /Type /FontDescriptor /FontName "
        b"/STSong-Light /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >> >>"
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
        % (descendant, tounicode)
    )
    kids = []
    for page in pages:
        ops = ["BT", "/F1 10 Tf", "12 TL", "40 800 Td"]
        for line in page:
            ops.append("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)
