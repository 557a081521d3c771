"""Render catalogue listings, entries, search hits and coverage status as text or JSON strings.

A catalogue folder may be the user's own (`--catalogue`, `catalogue validate PATH`), so its text is
escaped like a deal's: rich cells are `cell`s, plain lines `clean`, JSON `json_text`."""

from __future__ import annotations

import json
from typing import Any

from ..catalogue_query import Change, Located, SearchHit, StatusRow
from ..escape import clean, json_text
from ..models.catalogue import Entry
from ..models.common import Provenance
from .console import cell, string_console
from .glossary import PART, pick
from .zh import fidelity_zh

# The words of the catalogue commands' text output; "both" gives the Chinese, then the English.
WORDS: dict[str, tuple[str, str]] = {
    "version": ("version", "版本"),
    "code": ("code", "编码"),
    "id": ("id", "条目ID"),
    "part": ("part", "类别"),
    "name_zh": ("name (zh)", "名称（中文）"),
    "name_en": ("name (en, unofficial)", "名称（英文，非官方）"),
    "cps": ("CPs", "控制要点数"),
    "presence": ("presence", "本版本是否列有"),
    "entries": ("{n} entries", "共{n}个条目"),
    "name": ("name", "名称"),
    "where": ("matched in", "匹配位置"),
    "text": ("text", "文本"),
    "hits": ("{n} hits", "共{n}条结果"),
    "no_hits": ("no entry or control point matched", "未匹配任何条目或控制要点"),
    "notice": (
        "English renderings are unofficial; the official Chinese text governs.",
        "英文译文均为非官方译文，以目录官方中文文本为准。",
    ),
    "status_title": (
        "Catalogue coverage: what exportcheck encodes of each official version",
        "目录收录情况：exportcheck对各官方版本的收录",
    ),
    "in_force": ("in force", "施行期间"),
    "now": ("now", "至今"),
    "official": ("official (J+X)", "官方条目数（禁止+限制）"),
    "encoded": ("encoded (J+X)", "已收录（禁止+限制）"),
    "unconfirmed": ("unconfirmed", "状态未确认"),
    "with_code": ("with code", "有编码"),
    "cp_official": ("control points (official wording)", "控制要点（官方原文）"),
    "complete": ("complete entries", "控制要点完整的条目"),
    "not_complete": (
        "No version is fully encoded: a 'free' verdict means no encoded entry matched.",
        "没有任何版本已完整收录：“自由出口”结论仅表示未匹配任何已收录条目。",
    ),
    "sha": ("catalogue sha256: {sha}", "目录 sha256：{sha}"),
}

PRESENCE = {
    "evidenced": ("evidenced", "有来源证明"),
    "inferred": ("inferred", "据来源推断"),
    "unconfirmed": ("unconfirmed", "未确认"),
}


def word(key: str, lang: str, **values: str) -> str:
    en, zh = WORDS[key]
    if lang == "both":
        return f"{zh.format(**values)} / {en.format(**values)}"
    return (zh if lang == "zh" else en).format(**values)


def _presence(value: str, lang: str) -> str:
    en, zh = PRESENCE.get(value, (value, value))
    return {"en": en, "zh": zh}.get(lang, f"{zh} / {en}")


def _where(where: str, lang: str) -> str:
    """Where a search hit is ("control point 21 (exportcheck aid)", catalogue_query.search) in Chinese."""
    if lang == "en":
        return where
    zh = where.replace("control point ", "控制要点").replace("entry", "条目").replace("name", "名称")
    zh = zh.replace(" (exportcheck aid)", "（exportcheck匹配辅助词）")
    return zh if lang == "zh" else f"{zh} / {where}"


def _console(width: int = 120) -> Any:
    return string_console(width)[0]


def _dump(data: Any) -> str:
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _prov(p: Provenance | None, lang: str = "en") -> str:
    if p is None:
        return "—"
    if lang == "zh":  # a note is exportcheck's own English: kept as written, marked so
        s = f"{fidelity_zh(p.fidelity.label)} [{', '.join(p.sources)}]"
        if p.zh_is_back_translation:
            seen = {"en": "英文", "ja": "日文", "zh_traditional": "繁体中文"}.get(
                p.seen_as.value, p.seen_as.value
            )
            s += f"；仅见于{seen}来源：中文为回译"
        return s + (f"——备注（英文）：{p.note}" if p.note else "")
    s = f"{p.fidelity.label} [{', '.join(p.sources)}]"
    if p.zh_is_back_translation:
        s += f"; seen only in {p.seen_as.value}: Chinese is a back-translation"
    if p.note:
        s += f" — {p.note}"
    return s


def list_json(rows: list[Located]) -> str:
    return _dump(
        [
            {
                "version": r.version,
                "id": r.entry.id,
                "code": r.entry.code,
                "part": r.entry.part.value,
                "name": r.entry.name.model_dump(),
                "presence": r.entry.presence.status.value,
                "origin": r.origin,
                "control_points": len(r.entry.control_points),
            }
            for r in rows
        ]
    )


def list_text(rows: list[Located], lang: str = "en") -> str:
    from rich.table import Table

    console = _console()
    table = Table(show_lines=False, expand=True)
    for col in ("version", "code", "id", "part", "name_zh", "name_en", "cps", "presence"):
        table.add_column(word(col, lang))
    for r in rows:
        e = r.entry
        table.add_row(
            *map(
                cell,
                (
                    r.version,
                    e.code or "—",
                    e.id,
                    pick(PART[e.part], lang) if lang != "en" else e.part.value,
                    e.name.zh or "—",
                    e.name.en or "—",
                    str(len(e.control_points)),
                    _presence(e.presence.status.value, lang),
                ),
            )
        )
    console.print(table)
    console.print(word("entries", lang, n=str(len(rows))))
    return console.file.getvalue()


def entry_json(rows: list[Located]) -> str:
    return _dump(
        [{"version": r.version, "origin": r.origin, "entry": r.entry.model_dump(mode="json")} for r in rows]
    )


def _entry_block(version: str, origin: str, e: Entry) -> list[str]:
    out = [f"== {e.code or '(code not known)'}  {e.name.zh or ''}  {e.name.en or ''}  [version {version}]"]
    out.append(
        f"id: {e.id}   part: {e.part.value}{'' if e.part_confirmed else ' (NOT CONFIRMED)'}   "
        f"origin: {origin}"
    )
    if e.industry:
        out.append(f"industry: {e.industry.zh or ''} {e.industry.en or ''}".rstrip())
    out.append(f"name provenance: {_prov(e.provenance)}")
    if e.code:
        out.append(f"code provenance: {_prov(e.code_provenance)}")
    for alias in e.other_codes:
        out.append(f"also coded {alias.code}: {alias.context} — {_prov(alias.provenance)}")
    out.append(
        f"presence in {version}: {e.presence.status.value}"
        + (f" — {e.presence.note}" if e.presence.note else "")
        + (f" — {_prov(e.presence.provenance)}" if e.presence.provenance else "")
    )
    total = "all" if e.control_points_complete else "not all"
    out.append(f"control points ({len(e.control_points)} encoded; {total} of this version's points):")
    for cp in sorted(e.control_points, key=lambda c: int(c.number)):
        out.append(f"  {cp.number}. {cp.text.zh or '(Chinese wording not known)'}")
        if cp.text.en:
            out.append(f"      en (unofficial): {cp.text.en}")
        for sub in cp.sub_points:
            out.append(f"      - {sub.zh or ''} {sub.en or ''}".rstrip())
        for p in cp.parameters:
            out.append(f"      parameter: {p.describe()} — {_prov(p.provenance)}")
        for c in cp.conditions:
            out.append(f"      condition (not evaluated): {c.best('zh')}")
        out.append(f"      provenance: {_prov(cp.provenance)}")
        aids = cp.aids.terms + cp.aids.related
        if aids:
            out.append(f"      exportcheck matching aids (not legal text): {', '.join(aids)}")
        if cp.aids.exclude:
            out.append(f"      exportcheck exclusions (not legal text): {', '.join(cp.aids.exclude)}")
    for n in e.notes:
        out.append(f"note: {n}")
    if e.dual_use_hint:
        out.append(f"dual-use: {e.dual_use_hint}")
    return out


def _entry_block_zh(version: str, origin: str, e: Entry) -> list[str]:
    """The entry as `_entry_block` shows it, with Chinese labels; exportcheck's English notes stay as written
    and are marked as such (no source gives them in Chinese)."""
    origin_zh = (
        origin.replace("listed", "本版本列有")
        .replace("carried back from ", "由后一版本倒推自")
        .replace("carried from ", "沿用自")
    ) + ("年版" if origin.startswith(("carried from ", "carried back from ")) else "")
    out = [f"== {e.code or '（编码未知）'}  {e.name.zh or ''}  {e.name.en or ''}  [{version}年版]"]
    out.append(
        f"ID：{e.id}   类别：{PART[e.part].zh}{'' if e.part_confirmed else '（未确认）'}   来由：{origin_zh}"
    )
    if e.industry:
        out.append(f"行业：{e.industry.zh or ''} {e.industry.en or ''}".rstrip())
    out.append(f"名称来源：{_prov(e.provenance, 'zh')}")
    if e.code:
        out.append(f"编码来源：{_prov(e.code_provenance, 'zh')}")
    for alias in e.other_codes:
        out.append(f"另有编码 {alias.code}：{alias.context}——{_prov(alias.provenance, 'zh')}")
    out.append(
        f"{version}年版是否列有：{_presence(e.presence.status.value, 'zh')}"
        + (f"——备注（英文）：{e.presence.note}" if e.presence.note else "")
        + (f"——{_prov(e.presence.provenance, 'zh')}" if e.presence.provenance else "")
    )
    total = "已全部收录" if e.control_points_complete else "未全部收录"
    out.append(f"控制要点（已收录{len(e.control_points)}个；本版本的控制要点{total}）：")
    for cp in sorted(e.control_points, key=lambda c: int(c.number)):
        out.append(f"  {cp.number}. {cp.text.zh or '（中文原文未知）'}")
        if cp.text.en:
            out.append(f"      英文（非官方）：{cp.text.en}")
        for sub in cp.sub_points:
            out.append(f"      - {sub.zh or ''} {sub.en or ''}".rstrip())
        for p in cp.parameters:
            out.append(f"      技术参数：{p.describe_zh() or p.describe()}——{_prov(p.provenance, 'zh')}")
        for c in cp.conditions:
            out.append(f"      条件（未评估）：{c.best('zh')}")
        out.append(f"      来源：{_prov(cp.provenance, 'zh')}")
        aids = cp.aids.terms + cp.aids.related
        if aids:
            out.append(f"      exportcheck匹配辅助词（非法规原文）：{', '.join(aids)}")
        if cp.aids.exclude:
            out.append(f"      exportcheck排除词（非法规原文）：{', '.join(cp.aids.exclude)}")
    for n in e.notes:
        out.append(f"备注（英文）：{n}")
    if e.dual_use_hint:
        out.append(
            f"两用物项：该技术也可能属于两用物项，请另行核查两用物项出口管制规定。备注（英文）：{e.dual_use_hint}"
        )
    return out


def entry_text(rows: list[Located], lang: str = "en") -> str:
    lines: list[str] = []
    for r in rows:
        if lang in ("zh", "both"):
            lines += [*map(clean, _entry_block_zh(r.version, r.origin, r.entry)), ""]
        if lang in ("en", "both"):
            lines += [*map(clean, _entry_block(r.version, r.origin, r.entry)), ""]
    lines.append(word("notice", lang))
    return "\n".join(lines) + "\n"


def search_json(hits: list[SearchHit]) -> str:
    return _dump(
        [
            {
                "version": h.version,
                "id": h.entry.id,
                "code": h.entry.code,
                "name": h.entry.name.model_dump(),
                "part": h.entry.part.value,
                "where": h.where,
                "text": h.text,
            }
            for h in hits
        ]
    )


def search_text(hits: list[SearchHit], lang: str = "en") -> str:
    from rich.table import Table

    console = _console()
    table = Table(expand=True)
    for col in ("version", "code", "name", "part", "where", "text"):
        table.add_column(word(col, lang))
    for h in hits:
        table.add_row(
            *map(
                cell,
                (
                    h.version,
                    h.entry.code or h.entry.id,
                    h.entry.name.best("zh"),
                    pick(PART[h.entry.part], lang) if lang != "en" else h.entry.part.value,
                    _where(h.where, lang),
                    h.text,
                ),
            )
        )
    if hits:  # an empty table says nothing a count does not
        console.print(table)
    if lang == "en":
        console.print(
            f"{len(hits)} hit{'' if len(hits) == 1 else 's'}" if hits else "no entry or control point matched"
        )
    else:
        console.print(word("hits", lang, n=str(len(hits))) if hits else word("no_hits", lang))
    return console.file.getvalue()


def status_json(rows: list[StatusRow], sha256: str, dual_use: dict[str, Any] | None = None) -> str:
    return _dump(
        {
            "catalogue_sha256": sha256,
            "versions": [
                {
                    "version": r.version,
                    "status": r.status,
                    "effective": r.effective,
                    "superseded": r.superseded,
                    "instrument": r.instrument,
                    "official": {
                        "entries": r.official_total,
                        "prohibited": r.official_prohibited,
                        "restricted": r.official_restricted,
                    },
                    "encoded": {
                        "entries": r.encoded_total,
                        "prohibited": r.encoded_prohibited,
                        "restricted": r.encoded_restricted,
                        "unconfirmed_entries": r.unconfirmed,
                        "entries_with_code": r.with_code,
                        "entries_with_official_name": r.entries_official_name,
                        "entries_with_all_control_points": r.complete_entries,
                        "control_points": r.control_points,
                        "control_points_official_wording": r.official_wording_control_points,
                    },
                    "coverage_ratio": round(r.encoded_total / r.official_total, 4)
                    if r.official_total
                    else 0.0,
                    "complete": r.encoded_total >= r.official_total
                    and r.complete_entries >= r.official_total
                    and r.unconfirmed == 0,
                }
                for r in rows
            ],
            **({"dual_use": dual_use} if dual_use is not None else {}),
        }
    )


def status_text(rows: list[StatusRow], sha256: str, lang: str = "en") -> str:
    from rich.table import Table

    console = _console()
    table = Table(title=word("status_title", lang), expand=True)
    for col in (
        "version",
        "in_force",
        "official",
        "encoded",
        "unconfirmed",
        "with_code",
        "cp_official",
        "complete",
    ):
        table.add_column(word(col, lang))
    for r in rows:
        table.add_row(
            *map(
                cell,
                (
                    r.version,
                    f"{r.effective} → {r.superseded or word('now', lang)}",
                    f"{r.official_total} ({r.official_prohibited}+{r.official_restricted})",
                    f"{r.encoded_total} ({r.encoded_prohibited}+{r.encoded_restricted})",
                    str(r.unconfirmed),
                    str(r.with_code),
                    f"{r.control_points} ({r.official_wording_control_points})",
                    str(r.complete_entries),
                ),
            )
        )
    console.print(table)
    console.print(word("not_complete", lang))
    console.print(word("sha", lang, sha=sha256))
    return console.file.getvalue()


def diff_json(old: str, new: str, changes: list[Change]) -> str:
    return _dump(
        {
            "from": old,
            "to": new,
            "changes": [
                {
                    "kind": c.kind,
                    "id": c.entry_id,
                    "code": c.code,
                    "name": c.name,
                    "part": c.part,
                    "details": list(c.details),
                    "sources": list(c.sources),
                }
                for c in changes
            ],
        }
    )


def diff_text(old: str, new: str, changes: list[Change]) -> str:
    from rich.table import Table

    console, buf = string_console(120)
    table = Table(title=cell(f"Catalogue changes {old} -> {new}"), expand=True, show_lines=True)
    for col in ("change", "code", "id", "name", "part", "details", "sources"):
        table.add_column(col)
    for c in changes:
        row = (c.kind, c.code or "—", c.entry_id, c.name, c.part, "\n".join(c.details), ", ".join(c.sources))
        table.add_row(*map(cell, row))
    console.print(table)
    console.print(
        f"{len(changes)} changes (only what the encoded data shows; unnamed official changes are not listed)"
    )
    return buf.getvalue()
