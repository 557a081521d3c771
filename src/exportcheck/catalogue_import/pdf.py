"""Read the official PDF itself, with the optional extra `exportcheck[pdf]` (pypdf).

pypdf is a maintained, pure-Python PDF library: it parses the file and maps the fonts' glyphs back to
text through their ToUnicode tables; nothing in a PDF is executed. Pages are joined with form feeds, as
`pdftotext` does, so the text reader removes running headers and footers the same way. Bounded: the file
is already within the import's size limit, at most MAX_PAGES pages are read, and the text is cut off at
MAX_CHARS (reported by the caller as more text than any catalogue has).
"""

from __future__ import annotations

import io

from ..errors import InputError, Problem

MAX_PAGES = 500  # the 2023 catalogue has 30 pages
MAX_CHARS = 8 * 1024 * 1024


def pdf_text(raw: bytes, display: str) -> str:
    try:
        import pypdf
    except ImportError:
        raise InputError(
            [
                Problem(
                    display,
                    None,
                    "",
                    "is a PDF: install the optional extra (pip install 'exportcheck[pdf]') to read it, or "
                    "extract its text first (pdftotext -layout FILE.pdf FILE.txt) and import the .txt",
                )
            ]
        ) from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError([Problem(display, None, "", "is an encrypted PDF: save an unencrypted copy")])
        if len(reader.pages) > MAX_PAGES:
            raise InputError(
                [Problem(display, None, "", f"has more than {MAX_PAGES} pages: not the catalogue")]
            )
        pages, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > MAX_CHARS:
                raise InputError(
                    [Problem(display, None, "", f"holds more than {MAX_CHARS:,} characters of text")]
                )
            pages.append(text)
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file: each is this file's problem
        raise InputError(
            [Problem(display, None, "", f"cannot read the PDF: {type(exc).__name__}: {exc}")]
        ) from None
    if not any(p.strip() for p in pages):
        raise InputError(
            [
                Problem(
                    display,
                    None,
                    "",
                    "the PDF has no extractable text (a scan?): transcribe it as CSV or YAML",
                )
            ]
        )
    return "\f".join(pages)
