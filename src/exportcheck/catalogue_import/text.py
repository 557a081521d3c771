"""Read the catalogue from text extracted from the official PDF (`pdftotext -layout`, or copied from a
viewer).

The official layout: part headings (一、禁止出口部分 / 二、限制出口部分), industry headings ((一)畜牧业),
then per entry a serial number, the code (编号, six digits + J/X), the name (技术名称) and numbered control
points (控制要点), with or without those labels (a table row: `71 203912X 无人机技术 1.…`). Lines wrap
anywhere, so an entry's lines are joined before its name and points are cut out; page headers and footers
are removed only where their shape is unmistakable, and every removal is counted in the report.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter

from ..errors import Problem
from .parsed import ParsedEntry, ParsedPoint, ParseResult, check_entry

MAX_LINE = 4000  # longer lines are not catalogue text (and would make the line regexes slow)

PART = re.compile(r"^\s*(?:[一二]\s*[、.．]\s*)?(禁止|限制)出口(?:技术)?部分\s*$")
INDUSTRY = re.compile(
    r"^\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]\s*([^\s。；，,]{1,40}业)\s*(?:[（(]?\d{2,4}[）)]?)?\s*$"
)
HEADING_LIKE = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]")
LABELLED = re.compile(r"^\s*(?:序号\s*[:：]?\s*)?(?:(\d{1,3})\s*[.．、]?\s*)?编\s*号\s*[:：]\s*(\S*)")
# a table row: serial and code, or a code, first on the line; the code-like token may be broken
ROW = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]?\s+)?(\d{4,8}[A-Za-zＡ-Ｚａ-ｚ]?)(?=\s|$)(.*)$")
SERIAL_ONLY = re.compile(r"^\s*(?:序号\s*[:：]\s*)?(\d{1,3})\s*[.．、]?\s*$")
TABLE_HEADER = re.compile(r"^\s*序\s*号\s+编\s*号\s+技\s*术\s*名\s*称\s+控\s*制\s*要\s*点\s*$")
PAGE_MARK = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s+\d{1,3}(?:\s+of\s+\d{1,3})?)\s*$"
)
NAME_LABEL = re.compile(r"技\s*术\s*名\s*称\s*[:：]")
POINTS_LABEL = re.compile(r"控\s*制\s*要\s*点\s*[:：]?")
POINT = re.compile(r"(\d{1,2})\s*[.．、](?!\d)")
# Chinese characters and full-width punctuation: a space between two of them is layout, not text. Not the
# full-width digits and letters (７２　２０６５０３Ｘ): there the space separates a serial from a code.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uffef"
_LAYOUT_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def _tidy(line: str) -> str:
    """One line's text: spaces that layout put between Chinese characters removed, runs collapsed."""
    return _LAYOUT_SPACE.sub("", re.sub(r"\s+", " ", line.strip()))


def _join(pieces: list[tuple[int, str]]) -> tuple[str, dict[int, int]]:
    """Wrapped lines joined (a space only between two Latin letters or digits), and the offset at which
    each line begins, with its line number."""
    text, starts = "", {}
    for number, piece in pieces:
        if not piece:
            continue
        if text and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            text += " "
        starts[len(text)] = number
        text += piece
    return text, starts


def strip_pages(raw: list[str]) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """Lines with their numbers, minus page headers and footers; what was removed, counted."""
    skipped: Counter[str] = Counter()
    pages: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(raw, start=1):
        parts = line.split("\f")
        for i, part in enumerate(parts):
            if i:
                pages.append([])
            pages[-1].append((number, part))
    # a line repeated at the top or bottom of several pages is a running header or footer
    edges: Counter[str] = Counter()
    for page in pages:
        texts = [_tidy(t) for _, t in page if t.strip()]
        for t in {*texts[:2], *texts[-2:]}:
            edges[t] += 1
    running = {t for t, n in edges.items() if n >= 2 and len(pages) > 2 and len(t) <= 60}
    out: list[tuple[int, str]] = []
    for page in pages:
        kept = [(n, t) for n, t in page if t.strip()]
        edge_lines = {n for n, _ in kept[:2] + kept[-2:]}
        for n, t in page:
            tidy = _tidy(t)
            if not tidy:
                continue
            if PAGE_MARK.match(tidy) or TABLE_HEADER.match(tidy):
                skipped[tidy] += 1
                continue
            if n in edge_lines and tidy in running and not ROW.match(tidy) and not LABELLED.match(tidy):
                skipped[tidy] += 1
                continue
            out.append((n, t))
    return out, dict(skipped)


def parse_text(text: str, display: str) -> ParseResult:
    """Entries and unplaced lines of an extracted official text."""
    problems: list[Problem] = []
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines, removed = strip_pages(raw)
    skipped = Counter(removed)
    entries: list[ParsedEntry] = []
    part: str | None = None
    industry: str | None = None
    current: ParsedEntry | None = None
    body: list[tuple[int, str]] = []
    pending_serial: tuple[int, int] | None = None
    preamble = 0
    last = 0  # number of the line read before this one
    # a table row (`pdftotext -layout`): where the point column starts, and the name's wrapped pieces
    column: int | None = None
    name_parts: list[tuple[int, str]] = []

    def close() -> None:
        nonlocal current, body, column, name_parts
        if current is not None:
            _fill(current, body, _join(name_parts)[0] if column is not None else None)
            check_entry(current)
            entries.append(current)
        current, body, column, name_parts = None, [], None, []

    for number, line in lines:
        if len(line) > MAX_LINE:
            problems.append(Problem(display, number, "", f"line longer than {MAX_LINE} characters: not read"))
            continue
        tidy = _tidy(line)
        previous, last = last, number
        if m := PART.match(tidy):
            close()
            part, industry = ("prohibited" if m.group(1) == "禁止" else "restricted"), None
            continue
        if part is None:
            preamble += 1  # title, announcement text: before the first part heading
            continue
        if m := INDUSTRY.match(tidy):
            close()
            industry = m.group(1)
            continue
        start = _entry_start(tidy)
        if start is not None:
            serial, code, rest = start
            if serial is None and pending_serial is not None and pending_serial[0] == previous:
                serial = pending_serial[1]  # the serial printed on its own line belongs to this entry
            elif pending_serial is not None:
                skipped[f"{pending_serial[1]} (a lone number: taken as a page number)"] += 1
            pending_serial = None
            close()
            current = ParsedEntry(
                line=number, part=part, industry=industry, serial=serial, code=code, name=""
            )
            body = [(number, rest)]
            found = None if LABELLED.match(tidy) else _columns(line)
            if found is not None:
                name_at, column = found
                name_parts = [(number, _tidy(line[name_at:column]))]
                body = [(number, _tidy(line[column:]))]
            continue
        if pending_serial is not None:
            skipped[f"{pending_serial[1]} (a lone number: taken as a page number)"] += 1
            pending_serial = None
        if m := SERIAL_ONLY.match(tidy):
            pending_serial = (number, int(m.group(1)))  # the next entry's serial, or a page number
            continue
        if current is None:
            problems.append(
                Problem(display, number, "", f"text outside any entry, not placed: {tidy[:60]!r}")
            )
            continue
        if HEADING_LIKE.match(tidy):
            current.problems.append(
                f"line {number} looks like an industry heading but is not one: read as text"
            )
        if column is not None:
            left, right = line[:column], line[column:]
            if left.strip() and right.strip() and not left[-1].isspace() and not right[0].isspace():
                current.problems.append(
                    f"line {number}: text runs across the name and control-point columns; read as point text"
                )
                body.append((number, tidy))
                continue
            if left.strip():
                name_parts.append((number, _tidy(left)))  # the name wrapped within its column
            if right.strip():
                body.append((number, _tidy(right)))
            continue
        body.append((number, tidy))
    close()
    if part is None:
        problems.append(
            Problem(display, None, "", "no part heading (一、禁止出口部分 / 二、限制出口部分) found")
        )
    if pending_serial is not None:
        skipped[f"{pending_serial[1]} (a lone number: taken as a page number)"] += 1
    return ParseResult(entries, problems, dict(skipped), preamble)


def _entry_start(tidy: str) -> tuple[int | None, str | None, str] | None:
    """(serial, code as printed, rest of the line) when a line starts an entry."""
    if m := LABELLED.match(tidy):
        code = m.group(2)
        rest = tidy[m.end() :]
        # the code may run into the next label once layout spaces are gone: only the code is folded to
        # ASCII, never the legal text after it
        found = re.match(r"(\d{4,8}[A-Za-zＡ-Ｚａ-ｚ]?)(.*)$", code)
        if found:
            code, rest = found.group(1), found.group(2) + rest
        return (int(m.group(1)) if m.group(1) else None, _ascii(code) or None, rest.strip())
    if m := ROW.match(tidy):
        token = m.group(2)
        # a bare number is a serial or a page number, not a code
        if not re.search(r"[A-Za-zＡ-Ｚａ-ｚ]", token) and (m.group(1) is None or len(token) < 6):
            return None  # "100000 吨" continuing a point, or a page number
        return (int(m.group(1)) if m.group(1) else None, _ascii(token).upper(), m.group(3).strip())
    return None


def _columns(line: str) -> tuple[int, int] | None:
    """In a table row laid out in columns (`71   203912X   无人机技术   1．…`): where the name starts and
    where the control-point column starts, so that wrapped lines can be sorted into the two."""
    code = re.search(r"\d{4,8}[A-Za-zＡ-Ｚａ-ｚ]?", line)
    if code is None:
        return None
    name = re.search(r"\S", line[code.end() :])
    # a column gap: two spaces, or one ideographic space
    mark = re.compile(r"(?:(?<=\s\s)|(?<=\u3000))(\d{1,2})\s*[.．、](?!\d)").search(line, code.end())
    if name is None or mark is None or mark.start() <= code.end() + name.start():
        return None
    return code.end() + name.start(), mark.start()


def _ascii(code: str) -> str:
    """A code as ASCII: full-width digits and letters (０８３２０１Ｘ) are the same code."""
    return unicodedata.normalize("NFKC", code)


def _fill(entry: ParsedEntry, body: list[tuple[int, str]], name: str | None = None) -> None:
    """Cut the joined lines of one entry into its name and numbered control points (the name is given
    when a table's columns have already separated it)."""
    text, starts = _join(body)
    if name is not None:
        entry.name = name
        entry.points = _points(text, starts, 0, entry)
        return
    name_label = NAME_LABEL.search(text)
    points_label = POINTS_LABEL.search(text, name_label.end() if name_label else 0)
    if name_label:
        end = points_label.start() if points_label else len(text)
        entry.name = text[name_label.end() : end].strip(" ：:")
        rest_at = points_label.end() if points_label else len(text)
    else:
        first = _first_point(text, starts, 0)
        cut = points_label.start() if points_label else (first if first is not None else len(text))
        entry.name = text[:cut].strip(" ：:")
        rest_at = points_label.end() if points_label else cut
    entry.points = _points(text, starts, rest_at, entry)


def _boundary(text: str, starts: dict[int, int], at: int, begin: int) -> bool:
    """Whether a point number at `at` opens a point: at a line start, the start of the points, or after
    a sentence or list stop (looking back over spaces only, so a long entry stays linear)."""
    if at in starts or at == begin:
        return True
    i = at - 1
    while i >= begin and text[i] == " ":
        i -= 1
    # a space (a column gap or a joined line) or a closing bracket also ends a point printed on one line
    return i < begin or i < at - 1 or text[i] in "：:。；;）)"


def _first_point(text: str, starts: dict[int, int], begin: int) -> int | None:
    for m in POINT.finditer(text, begin):
        # in a table row the name and the first point are apart by a column gap (a space once tidied)
        if (
            int(m.group(1)) == 1
            and m.start() > 0
            and (text[m.start() - 1] == " " or _boundary(text, starts, m.start(), begin))
        ):
            return m.start()
    return None


def _points(text: str, starts: dict[int, int], begin: int, entry: ParsedEntry) -> list[ParsedPoint]:
    offsets = sorted(starts)

    def line_of(pos: int) -> int:
        i = bisect_right(offsets, pos)
        return starts[offsets[i - 1]] if i else entry.line

    marks: list[tuple[int, int, int]] = []  # (number, start of the mark, start of the text)
    expected: int | None = None
    for m in POINT.finditer(text, begin):
        n = int(m.group(1))
        first = expected is None and m.start() == _skip_space(text, begin)
        if not (first or expected is not None) or not _boundary(
            text, starts, m.start(), _skip_space(text, begin)
        ):
            continue
        if first or n == expected:
            marks.append((n, m.start(), m.end()))
            expected = n + 1
        elif expected is not None and m.start() in starts:
            if expected < n <= expected + 20:  # a number opening a line: a point, after a gap reported later
                marks.append((n, m.start(), m.end()))
                expected = n + 1
            else:
                entry.problems.append(
                    f"'{n}.' opens line {starts[m.start()]} but point {expected} was expected: "
                    f"left inside point {expected - 1}"
                )
    if not marks:
        if text[begin:].strip():
            entry.problems.append(f"control-point text without numbers, not placed: {text[begin:][:40]!r}")
        return []
    points = []
    for i, (n, at, text_at) in enumerate(marks):
        end = marks[i + 1][1] if i + 1 < len(marks) else len(text)
        wording = text[text_at:end].strip().rstrip("；;")
        if not wording:
            entry.problems.append(f"control point {n} has no text")
        points.append(ParsedPoint(n, wording, line_of(at)))
    return points


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " ：:":
        at += 1
    return at
