"""How text from a deal file, a file name or a catalogue is made safe for each kind of output.

Deal files come from other people (and `scan` runs on repositories anyone can commit to), so every string
they supply is hostile until escaped here: an escape sequence in a title could erase the real verdict on a
terminal and print another, a `[/]` would crash rich's markup parser, a newline and `**FREE**` would forge a
line in Markdown, `<!--` would hide the rows after it in a GitHub step summary. Every formatter uses these
functions, and only these (one place to get right). Machine formats keep the original text: JSON and SARIF
escape, as JSON, the characters a terminal would act on; JUnit writes those XML cannot hold as `\\xNN`.

This is a leaf module (standard library only) so that `errors.Problem` can use it too: every
`file:line: key: message` line is then safe wherever it is shown.
"""

from __future__ import annotations

import re
from functools import cache

# Whole escape sequences first (so that their parameters do not survive as text): CSI, OSC (an OSC 8 link,
# a window title) up to BEL or ST, DCS/SOS/PM/APC strings up to ST, then any other ESC sequence; the
# same in their 8-bit C1 forms. An unterminated string loses only its introducer: the text after it is
# shown, not swallowed (a stray C1 byte must not hide the rest of a technology's name). A string body
# stops at the next introducer, so the work stays linear in the text.
_SEQUENCE = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?"
)
_BREAKS = "[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+"
# What is left that a terminal, an editor or a browser would act on instead of showing: C0 and C1
# controls, DEL, and the bidirectional overrides and isolates that reorder what is shown ("Trojan Source");
# and lone surrogates (a non-UTF-8 file name's bytes, decoded with surrogateescape), which no output
# encoding can write.
_CONTROL = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = f"[{_CONTROL}]"
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Characters XML 1.0 cannot hold at all, even escaped; the C1 controls it only tolerates; and what a
# viewer (a CI page, a terminal) would act on.
_NOT_XML = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_MARKDOWN = r"([\\`*_\[\]|~#$])"
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """A pattern above, compiled the first time a text needs it: most runs need only one or two of them,
    and compiling all at import cost every run about a millisecond."""
    return re.compile(pattern)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: show the original byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """One line of plain text a terminal only shows: escape sequences removed, line breaks and tabs made
    spaces, any other control (and bidi override) written as `\\xNN` so that it is seen, not obeyed."""
    value = str(text)
    if value.isprintable():  # the common case: nothing to do
        return value
    value = _compiled(_SEQUENCE).sub("", value)
    value = _compiled(_BREAKS).sub(" ", value)
    return _compiled(_UNSAFE).sub(_visible, value)


def markup(text: object) -> str:
    """`clean` text for a rich markup string: `[/]` and `[link=…]` shown as written, never parsed."""
    from rich.markup import escape as rich_escape

    return rich_escape(clean(text))


def html(text: object) -> str:
    """`clean` text inside HTML (and Markdown's inline HTML): no tag, comment or entity can open."""
    return "".join(_HTML.get(ch, ch) for ch in clean(text))


def markdown(text: object) -> str:
    """`clean` text inline in a Markdown line or table cell: one line, every character that could open
    emphasis, a link, a code span, a heading, a table cell or HTML escaped, so it reads as written."""
    return _compiled(_MARKDOWN).sub(r"\\\1", html(text))


def code(text: object) -> str:
    """A file name or identifier shown as code in Markdown: a backtick in it cannot close the span."""
    return f"<code>{markdown(text)}</code>"


def json_text(dumped: str) -> str:
    """JSON text (from json.dumps or pydantic, ensure_ascii off) with the characters a terminal or
    editor would act on written as `\\uXXXX`: the same JSON value, the original text, safe to `cat`.
    (json already escapes C0 controls; outside strings JSON text is ASCII, so this only touches strings.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def xml(text: str) -> str:
    """Text XML 1.0 can hold and a viewer only shows: the rest as `\\xNN` / `\\uNNNN`."""
    return _compiled(_NOT_XML).sub(_visible, text)


def command(text: object, prop: bool = False) -> str:
    """`clean` text for a GitHub workflow command (`::error file=…,title=…::message`)."""
    value = clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value
