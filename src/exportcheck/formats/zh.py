"""Chinese forms of the sentences the engine writes in English (reasons, caveats, notes, statuses).

Why a table here rather than message keys in the engine: the engine's sentences are few fixed templates,
the JSON contract carries them as English strings, and several engine modules are being changed by other
work at the same time. Each template below is the engine's English with `{placeholders}`; it is matched
whole against a sentence, and the placeholders are carried into the Chinese (translated again when they
are themselves a machine value or an engine sentence). A sentence that matches no template stays English:
the test that `assess --lang zh` prints no English prose on every shipped example catches it.

None of this is legal text: articles are cited by number only, in the regulations' own titles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..models.assessment import Verdict
from ..models.common import FIDELITY_LABELS, Fidelity
from ..models.dual_use import MeasureStatus
from .glossary import MEASURE_STATUS, STAGE, STRENGTH, VERDICT_SHORT
from .zh_versions import DERIVED_VERSION_TEMPLATES

FIDELITY_ZH = {
    Fidelity.OFFICIAL: "官方原文",
    Fidelity.OFFICIAL_TRANSLATION: "官方文本，但仅见于译文或繁体转载",
    Fidelity.SECONDARY: "二手概述（媒体、律师事务所），非官方原文",
    Fidelity.INFERRED: "exportcheck推断，无来源载明此表述",
}
_FIDELITY_BY_LABEL = {FIDELITY_LABELS[f]: zh for f, zh in FIDELITY_ZH.items()}

ORIGIN_ZH = {
    "legal text": "法规原文",
    "legal text, shortened": "法规原文（节略）",
    "exportcheck back-translation": "exportcheck回译",
    "exportcheck aid": "exportcheck匹配辅助词",
}


LICENCE_ZH = {  # engine/licences.py's statuses
    "covered": "已由许可覆盖",
    "incomplete": "记载不完整",
    "expired": "已到期",
    "letter_of_intent_only": "仅取得技术出口许可意向书",
    "applied": "已申请",
    "missing": "未记载许可",
}

RULING_STATUS = {
    "applied": "已适用",
    "stale": "已失效（技术描述已改变）",
    "expired": "已到期",
    "not_yet_valid": "尚未生效",
    "unused": "未使用",
}


DISGUISE_ZH = {
    "invisible characters": "不可见字符",
    "text reversed by a bidi override": "被双向控制符反转的文字",
    "look-alike letters from another script": "来自其他文字的形近字母",
    "spaced-out Chinese characters": "被拆开的汉字",
    "hyphen-broken word": "被连字符断开的单词",
}


def disguises_zh(text: str) -> str:
    """fold.py's names of what was undone ("invisible characters, hyphen-broken word")."""
    return "、".join(DISGUISE_ZH.get(x, x) for x in text.split(", "))


def verdict_zh(value: str) -> str:
    try:
        return VERDICT_SHORT[Verdict(value)].zh
    except ValueError:
        return value


def status_zh(value: str) -> str:
    try:
        return MEASURE_STATUS[MeasureStatus(value)].zh
    except ValueError:
        return value


def strength_zh(value: str) -> str:
    return {s.value: t.zh for s, t in STRENGTH.items()}.get(value, value)


def stage_zh(value: str) -> str:
    return STAGE[value].zh if value in STAGE else value


def fidelity_zh(label: str) -> str:
    return _FIDELITY_BY_LABEL.get(label, label)


def _list(text: str) -> str:
    return "、".join(text.split(", "))


def _measures(text: str) -> str:
    """'A (in_force), B (suspended)' as the engine lists the dual-use measures of a day."""
    if text == "none encoded":
        return "未收录任何措施"
    out = []
    for item in text.split(", "):
        name, _, status = item.rpartition(" (")
        out.append(f"{name}（{status_zh(status.rstrip(')'))}）" if name else item)
    return "；".join(out)


# placeholder name -> how its captured text becomes Chinese; any other placeholder is kept as written
_CONVERT: dict[str, Callable[[str], str]] = {
    "verdict": verdict_zh,
    "old": verdict_zh,
    "gate": verdict_zh,
    "status": status_zh,
    "strength": strength_zh,
    "fidelity": fidelity_zh,
    "list": _list,
    "measures": _measures,
    "part": lambda p: {"prohibited": "禁止类", "restricted": "限制类"}.get(p, p),
    "when": lambda w: {"later": "较晚的", "earlier": "较早的"}.get(w, w),
    "absent": lambda s: sentence(s),
    "why": lambda s: sentence(s),
    "rstatus": lambda s: RULING_STATUS.get(s, s),
    "disguises": disguises_zh,
    "misses": lambda s: "；".join(sentence(x) for x in s.split("; ")),
}

# placeholders whose text is itself an engine sentence (or a list of them), translated one level deeper
_NESTED: dict[str, Callable[[str, int], str]] = {
    "sentence": lambda s, d: sentence(s, d),
    "absent": lambda s, d: sentence(s, d),
    "why": lambda s, d: sentence(s, d),
    "misses": lambda s, d: "；".join(sentence(x, d) for x in s.split("; ")),
}

# (engine English, Chinese). Longer, more specific templates first: the first whole match wins.
TEMPLATES: list[tuple[str, str]] = [
    # catalogue version selection (engine/assess.py select_version)
    ("in force on the deal date {day}", "交易日期{day}当日有效的版本"),
    ("{instrument}: {notice} [official text: {official}]", "原文：{official}"),
    ("in force on {day} (--as-of)", "{day}当日有效的版本（--as-of）"),
    ("in force today ({day}); the deal gives no date", "今日（{day}）有效的版本；交易文件未载明日期"),
    ("pinned with --catalogue-version {v}", "由 --catalogue-version {v} 指定"),
    # finding reasons (engine/assess.py)
    (
        "the matched wording is {fidelity}; confirm against the official text",
        "所匹配的表述为{fidelity}；请与官方文本核对",
    ),
    ("only related terms matched, not the point itself", "仅相关词语匹配，控制要点本身未匹配"),
    (
        "resembles the entry's subject matter, but no encoded control point matched (the entry's control "
        "points are not all encoded)",
        "与该条目的技术领域相近，但未匹配任何已收录的控制要点（该条目的控制要点未全部收录）",
    ),
    (
        "resembles the entry's subject matter, but no encoded control point matched",
        "与该条目的技术领域相近，但未匹配任何已收录的控制要点",
    ),
    (
        "whether version {v} still holds this entry is not confirmed",
        "{v}年版目录是否仍列有该条目尚未确认",
    ),
    (
        "the heading {name} stands in both the prohibited and the restricted part ({codes}) and neither's "
        "control points are known: at least a licence is needed, and the transfer may be prohibited; compare "
        "it with the official text",
        "标题“{name}”同时见于禁止类和限制类（{codes}），两者的控制要点均不可知：至少需要许可，也可能属于禁止出口；"
        "请对照官方文本核对",
    ),
    (
        "the words match, but the text names nothing the entry's technology is made of ({needs}): it may "
        "describe advice or a product, not the technology",
        "用语相符，但文本未提及该条目技术的构成（{needs}）：所述可能是咨询意见或产品，而非技术本身",
    ),
    (
        "sources do not settle whether this entry is prohibited or restricted",
        "现有来源无法确定该条目属于禁止类还是限制类",
    ),
    (
        "threshold values missing or unreadable; the point applies only if all thresholds hold",
        "技术参数缺失或无法读取；须同时满足全部参数，该控制要点方才适用",
    ),
    (
        "{quotes} stands under a negation whose scope is unclear (a duty such as 'shall not sublicense', or a "
        "negated modifier): counsel should confirm whether it is transferred",
        "{quotes}处于范围不明的否定表述之中（如“不得再许可”之类的义务，或被否定的修饰语）：请律师确认是否转让",
    ),
    (
        "exclusion not applied to the rest of the text ({pairs} concerns another clause)",
        "排除条件未适用于其余文字（{pairs}涉及另一条款）",
    ),
    (
        "the description refers to an attachment exportcheck cannot read: put what is transferred in the "
        "description itself",
        "技术描述引用了exportcheck无法读取的附件：请在描述中直接写明所转让的内容",
    ),
    (
        "too little description to judge: say what the recipient receives (source code, designs, know-how, "
        "services) and what the technology does",
        "技术描述过于简略，无法判断：请写明受让方获得什么（源代码、设计、技术秘密、技术服务）以及该技术的用途",
    ),
    # near misses (engine/assess.py), shown with --explain
    (
        "matches {part} entry control point {n} of the {when} version {v} (in force from {d}), which version "
        "{v2} does not hold; deleted by version {list}",
        "与{when}{v}年版目录（{d}起施行）{part}条目的控制要点{n}相符，{v2}年版目录未列有该条目；该条目已由{list}年版删除",
    ),
    (
        "matches {part} entry control point {n} of the {when} version {v} (in force from {d}), which version "
        "{v2} does not hold",
        "与{when}{v}年版目录（{d}起施行）{part}条目的控制要点{n}相符，{v2}年版目录未列有该条目",
    ),
    (
        "matches {part} entry of the {when} version {v} (in force from {d}), which version {v2} does not hold; "
        "deleted by version {list}",
        "与{when}{v}年版目录（{d}起施行）的{part}条目相符，{v2}年版目录未列有该条目；该条目已由{list}年版删除",
    ),
    (
        "matches {part} entry of the {when} version {v} (in force from {d}), which version {v2} does not hold",
        "与{when}{v}年版目录（{d}起施行）的{part}条目相符，{v2}年版目录未列有该条目",
    ),
    (
        "matches control point {n} of the {when} version {v}, {absent}",
        "与{when}{v}年版目录的控制要点{n}相符，{absent}",
    ),
    ("matches of the {when} version {v}, {absent}", "与{when}{v}年版目录相符，{absent}"),
    (
        "which was added to the text by version {v} (in force from {d}), after version {v2}",
        "该控制要点由{v}年版（{d}起施行）增列，晚于{v2}年版",
    ),
    ("which was removed from the text by version {v} ({d})", "该控制要点已由{v}年版（{d}）删除"),
    (
        "control point {n} ({text}) of this entry matched in the {when} version {v}; version {v2}'s control "
        "points are not all encoded, so whether it still controls this technology is not confirmed",
        "本条目的控制要点{n}（{text}）在{when}{v}年版目录中相符；{v2}年版目录的控制要点未全部收录，"
        "因此该条目是否仍管制本技术尚未确认",
    ),
    (
        "of this entry matched in the {when} version {v}; version {v2}'s control points are not all encoded, so "
        "whether it still controls this technology is not confirmed",
        "本条目在{when}{v}年版目录中相符；{v2}年版目录的控制要点未全部收录，因此该条目是否仍管制本技术尚未确认",
    ),
    ("excluded: {misses}", "已排除：{misses}"),
    ("below threshold: {misses}", "未达到技术参数：{misses}"),
    (
        "mentioned only in a negation ({quotes}): the deal says it is not transferred",
        "仅出现在否定表述中（{quotes}）：交易文件载明不转让该技术",
    ),
    (
        "the deal sells or supplies products and transfers no technology: {statement}; the catalogue "
        "controls the technology, not the goods",
        "交易为产品销售或供货，且载明不转让任何技术：{statement}；目录管制的是技术，而非货物",
    ),
    (
        "only a possible match, and the deal says no technology passes: {statement}",
        "仅为可能命中，且交易文件载明不转让任何技术：{statement}",
    ),
    (
        "the entry's subject matched, but control point {n} explains why it does not apply: {why}",
        "该条目的技术领域相符，但控制要点{n}说明了其不适用的原因：{why}",
    ),
    (
        "the text mentions the excluded {a} but also {b}, which the exclusion does not cover",
        "文本提到了被排除的{a}，但也提到了排除条件未涵盖的{b}",
    ),
    ("no encoded entry or control point matched", "未匹配任何已收录的条目或控制要点"),
    (
        "dual-use {label}: {status}, {strength} -> {verdict}",
        "两用物项 {label}：{status}，{strength} → {verdict}",
    ),
    ("{name}: {verdict}", "{name}：{verdict}"),  # a technology's verdict among the verdict reasons
    ("{label}: {strength} -> {verdict}", "{label}：{strength} → {verdict}"),
    # verdict reasons and caveats (engine/assess.py)
    (
        "version {v} is only partly encoded: {n} of {m} entries, few with all their control points; 'free' "
        "means no encoded entry matched, not that the technology is absent from the official catalogue",
        "{v}年版目录仅部分收录：已收录{n}/{m}个条目，其中控制要点完整的很少；“自由出口”仅表示未匹配任何已收录条目，"
        "并不表示该技术不在官方目录之中",
    ),
    (
        "--strict: the catalogue coverage gap turns 'free' into 'review'",
        "--strict：目录收录不完整，“自由出口”改为“需人工复核”",
    ),
    (
        "exporter and recipient are both in mainland China (CN): the transfer does not leave China, so the "
        "catalogue's export rules do not apply",
        "出口方与受让方均在中国境内（CN）：技术未转移出境，目录的出口规定不适用",
    ),
    (
        "the exporter is outside mainland China ({c}): this is not a technology export from China, so the "
        "catalogue does not apply (technology imports follow their own rules)",
        "出口方不在中国境内（{c}）：不构成从中国的技术出口，目录不适用（技术进口另有规定）",
    ),
    (
        "dual-use technology provided to foreign persons inside China can still need an export-control licence "
        "(出口管制法 art. 2(3))",
        "向境内外国组织或个人提供两用物项技术，仍可能需要出口管制许可（《出口管制法》第二条第三款）",
    ),
    (
        "the recipient is in {c}: outside mainland China, so treated as a technology export",
        "受让方位于{c}：不在中国境内，按技术出口处理",
    ),
    (
        "{n} restricted finding(s) covered by a licence recorded in the deal; gate verdict {gate}",
        "{n}项限制类结果已由交易文件记载的许可覆盖；门槛结论：{gate}",
    ),
    (
        "checked against the encoded control points of the {n} entries exportcheck holds for version {v}; "
        "{p} of them have control points not (all) encoded, {k} near this technology: check it by hand against "
        "the official text of {list}",
        "已与exportcheck收录的{v}年版{n}个条目的控制要点比对；其中{p}个条目的控制要点未（全部）收录，"
        "{k}个与本技术相近：请对照官方文本人工核对{list}",
    ),
    (
        "checked against the encoded control points of the {n} entries exportcheck holds for version {v}; "
        "{p} of them have control points not (all) encoded",
        "已与exportcheck收录的{v}年版{n}个条目的控制要点比对；其中{p}个条目的控制要点未（全部）收录",
    ),
    # dual-use regime (engine/dual_use.py, catalogue_dual_use.py)
    ("dual-use regime checked on {day}: {measures}", "已核查{day}当日的两用物项管制措施：{measures}"),
    (
        "free under both regimes: no entry of catalogue version {v} and no dual-use measure in force that day "
        "matched; dual-use measures not encoded are listed under dual_use_checked.gaps ({n})",
        "两种制度下均属自由出口：未匹配{v}年版目录的任何条目，也未匹配当日施行的任何两用物项管制措施；"
        "未收录的两用物项措施列于 dual_use_checked.gaps（{n}项）",
    ),
    (
        "{label}: {sentence}; no dual-use licence track while suspended, but a transfer performed after the "
        "suspension ends must be re-assessed on its own date",
        "{label}：{sentence}；暂停实施期间不适用两用物项出口许可程序，但暂停期满后履行的转让须按履行当日重新评估",
    ),
    (
        "a dual-use item provided to foreign organisations or persons inside China is an export under the "
        "dual-use measures (出口管制法 art. 2(3)); the dual-use findings still apply to such a provision",
        "向境内外国组织或个人提供两用物项，依照两用物项管制规定属于出口（《出口管制法》第二条第三款）；"
        "上述两用物项结果对此类提供仍然适用",
    ),
    ("{label}: {status} on {day} — {sentence}", "{label}：{day}当日{status}——{sentence}"),
    (
        "a negation stands before the term but may not reach it",
        "该词语前有否定表述，但否定范围未必及于该词语",
    ),
    (
        "only a related term matched: the item may or may not cover this technology",
        "仅相关词语匹配：该物项不一定涵盖本技术",
    ),
    ("the term occurs only in the deal title", "该词语仅出现在交易标题中"),
    ("a threshold of the item could not be evaluated", "该物项的某项技术指标无法判断"),
    (
        "{sentence}: no dual-use licence under this measure while it is suspended",
        "{sentence}：该措施暂停实施期间，无需依该措施申请两用物项出口许可",
    ),
    (
        "{sentence}: a transfer from that day needs a dual-use licence",
        "{sentence}：自该日起的转让需申请两用物项出口许可",
    ),
    ("{name} was issued on {d1}, after {d2}", "{name}于{d1}发布，晚于{d2}"),
    ("{name} takes effect on {d}", "{name}将自{d}起施行"),
    (
        "{name} suspended by {by} from {d1} until {d2} (inclusive)",
        "{name}经{by}暂停实施，期间为{d1}至{d2}（含当日）",
    ),
    ("{name} suspended by {by} from {d1}", "{name}经{by}自{d1}起暂停实施"),
    ("{name} applies again from {d} ({by})", "{name}自{d}起恢复实施（{by}）"),
    ("{name} in force since {d}", "{name}自{d}起施行"),
    (
        "{name} was issued on {d} but no source held gives the day it took effect",
        "{name}于{d}发布，但现有来源均未载明其施行日期——请核对现行规定",
    ),
    # the coverage caveat under a scan's totals (formats/scan.py coverage_caveat)
    (
        "{n} free deal(s): catalogue version {v} is only partly encoded ({e} of {m} entries, few with all their "
        "control points): 'free' means no encoded entry matched, not that the technology is absent from the "
        "official catalogue; `exportcheck assess FILE` lists the entries to check by hand",
        "{n}项交易为自由出口：{v}年版目录仅部分收录（已收录{e}/{m}个条目，其中控制要点完整的很少）；“自由出口”仅表示"
        "未匹配任何已收录条目，并不表示该技术不在官方目录之中；`exportcheck assess 文件` 会列出需人工核对的条目",
    ),
    # disguised text (engine/assess.py _disguise_warnings)
    (
        "DISGUISED TEXT: technology {name}, {field}: {words} matched only after undoing {disguises}; a person "
        "reads these words as the catalogue's, a plain search would not. Find out who wrote the text and why.",
        "伪装文字：技术{name}，{field}：{words}须先还原{disguises}才能匹配；人读来即为目录用语，普通检索却查不到。"
        "请查明文字由谁所写、为何如此书写。",
    ),
    # licences recorded in the deal (engine/licences.py)
    ("no licence recorded in the deal file", "交易文件未记载许可"),
    (
        "application recorded; no letter of intent or licence yet",
        "已记载申请；尚未取得技术出口许可意向书或技术出口许可证",
    ),
    (
        "a letter of intent is recorded but no licence yet: the contract cannot take effect until the licence "
        "is issued",
        "已记载技术出口许可意向书，但尚未取得技术出口许可证：许可证颁发前合同不生效",
    ),
    ("licence {no} expired on {d}; apply again", "许可证{no}已于{d}到期；请重新申请"),
    (
        "licence {no} issued {d} records no expiry (licence_expiry): it waives nothing until the validity stated "
        "on the licence is recorded (no validity period is known from the sources; check with the provincial "
        "commerce department)",
        "许可证{no}（{d}颁发）未记载有效期（licence_expiry）：在记载许可证载明的有效期之前不免除任何义务"
        "（现有来源未载明有效期——请向省级商务主管部门核对现行规定）",
    ),
    ("licence {no} issued {d}, valid to {d2}", "许可证{no}，{d}颁发，有效期至{d2}"),
    ("licence {no} issued {d}", "许可证{no}，{d}颁发"),
    # counsel's rulings (engine/rulings.py)
    ("the deal has no technology named {name}", "交易文件中没有名为{name}的技术"),
    ("dated {d}, after the reference day {d2}", "判定日期为{d}，晚于基准日{d2}"),
    ("expired on {d}; rule again to keep it", "已于{d}到期；如需继续适用，请重新判定"),
    (
        "the technology's text changed since the ruling (fingerprint differs): it clears nothing until counsel "
        "rules again (exportcheck rule)",
        "判定作出后技术描述已改变（指纹不一致）：律师重新判定前不排除任何结果（exportcheck rule）",
    ),
    ("names no finding the deal has ({what})", "所指结果在本交易中不存在（{what}）"),
    ("overridden: another ruling says these findings apply", "已被另一判定取代：该判定认定这些结果适用"),
    ("cleared for the gate", "门槛已放行"),
    ("decided: it applies", "已判定：适用"),
    (
        "counsel ruled that it applies ({by}, {d}): {old} -> {verdict}; the sources do not settle whether the "
        "entry is prohibited or restricted, so prohibited",
        "律师判定适用（{by}，{d}）：{old} → {verdict}；现有来源无法确定该条目属于禁止类还是限制类，故按禁止类处理",
    ),
    (
        "counsel ruled that it applies ({by}, {d}): {old} -> {verdict}",
        "律师判定适用（{by}，{d}）：{old} → {verdict}",
    ),
    (
        "{n} finding(s) cleared for the gate by counsel's rulings; gate verdict {gate}",
        "{n}项结果经律师判定在门槛处放行；门槛结论：{gate}",
    ),
    (
        "PROHIBITED finding {label} cleared for the gate only by counsel's ruling ({by}, {d}): {why}",
        "禁止类结果{label}仅凭律师判定在门槛处放行（{by}，{d}）：{why}",
    ),
    (
        "ruling rulings[{i}] ({what}) {rstatus}: {sentence}",
        "判定 rulings[{i}]（{what}）{rstatus}：{sentence}",
    ),
    # catalogue layer (catalogue.py): an entry carried into a version whose change list is not complete
    (
        "carried from version {v}: no source confirms whether version {v2} kept, changed or deleted this entry",
        "沿用自{v}年版：现有来源均未确认{v2}年版保留、修改还是删除了该条目",
    ),
    *DERIVED_VERSION_TEMPLATES,  # a version read backwards from a later one (zh_versions.py)
    # parameter checks (engine/params.py) and the questions built from them (engine/assess.py)
    ("provide {p} ({sentence})", "请提供{p}（{sentence}）"),
    ("value not given; add it under parameters, e.g. {x}", "未给出数值；请在 parameters 下填写，例如{x}"),
    ("no unit given; write it as {x}", "未写单位；请写作{x}"),
    ("could not read a number; write it as e.g. {x}", "无法读取数值；请写作例如{x}"),
    (
        "ambiguous number (decimal or thousands separator?); write it with a decimal point",
        "数值有歧义（小数点还是千位分隔符？）；请用小数点书写",
    ),
    ("unit {u} not comparable with {c}; give the value in {c2}", "单位{u}无法与{c}比较；请以{c2}给出数值"),
    (
        "an open or approximate value that could still meet the threshold",
        "开放或近似的数值，仍可能达到技术参数",
    ),
    # general forms last: only what no template above reads (they appear inside "below threshold: …")
    ("{given} does not meet {req}", "{given}未达到{req}"),
    ("{a} matches exclusion {b}", "{a}符合排除条件{b}"),
]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# a placeholder that stands for a machine value matches only that vocabulary, so that a general template
# ("{label}: {strength} -> {verdict}") cannot swallow a longer sentence that happens to contain its words
_VALUES = {
    "verdict": "|".join(v.value for v in Verdict),
    "old": "|".join(v.value for v in Verdict),
    "gate": "|".join(v.value for v in Verdict),
    "status": "|".join(s.value for s in MeasureStatus),
    "strength": "match|possible",
    "part": "prohibited|restricted",
    "when": "later|earlier",
}


@dataclass(frozen=True)
class _Template:
    """A template cut at its placeholders: literals[i] comes before names[i]; literals[-1] ends it."""

    literals: tuple[str, ...]
    names: tuple[str, ...]

    def match(self, text: str) -> dict[str, str] | None:
        """The placeholders' values when `text` is the template filled in, else None.

        One pass from left to right, each placeholder ending at the first place the next literal occurs
        (a machine-value placeholder: the first place where what lies before is one of its values), the
        last one at the end. No backtracking: deal text that repeats a template's words can make a
        sentence stay English, but never makes the work grow faster than the text (a regular expression
        with several lazy groups took minutes on a hostile 60 kB name)."""
        head, *rest = self.literals
        if not rest:  # a fixed sentence
            return {} if text == head else None
        if not text.startswith(head) or not text.endswith(rest[-1]) or len(text) < len(head) + len(rest[-1]):
            return None
        pos, values = len(head), dict[str, str]()
        for i, name in enumerate(self.names):
            literal = rest[i]
            last = i == len(self.names) - 1
            allowed = _VALUE_SETS.get(name)
            if last:
                end = len(text) - len(literal)
                if end < pos:
                    return None
            elif allowed is not None:  # a short machine value: try the values, not every occurrence
                end = next(
                    (pos + len(v) for v in allowed if text.startswith(v + literal, pos)),
                    -1,
                )
            else:
                end = text.find(literal, pos + 1)  # a placeholder is never empty
                if i + 1 < len(self.names) and self.names[i + 1] in _VALUE_SETS:
                    # free text before a machine value ("{label}: {strength} -> …"): the label may hold
                    # the separator too, so move on to the occurrence a value follows (one pass)
                    while end >= 0 and not self._value_at(text, end + len(literal), i + 1):
                        end = text.find(literal, end + 1)
            if end < 0:
                return None
            value = text[pos:end]
            if not value or (allowed is not None and value not in allowed):
                return None
            if name in values and values[name] != value:
                return None
            values[name] = value
            pos = end + len(literal)
        return values if pos == len(text) else None

    def _value_at(self, text: str, pos: int, i: int) -> bool:
        """Whether placeholder i (a machine value) and the machine values right after it can be read from
        `pos`: a few short values each, so this costs the same whatever the text."""
        name, after = self.names[i], self.literals[i + 1]
        if name not in _VALUE_SETS:
            return True
        for v in _VALUE_SETS[name]:
            if i == len(self.names) - 1:
                if len(text) - pos == len(v) + len(after) and text.startswith(v + after, pos):
                    return True
            elif text.startswith(v + after, pos) and self._value_at(text, pos + len(v) + len(after), i + 1):
                return True
        return False


def cut(template: str) -> _Template:
    """A template ready to match (see `_Template.match`)."""
    literals, names, last = [], [], 0
    for m in _PLACEHOLDER.finditer(template):
        literals.append(template[last : m.start()])
        names.append(m.group(1))
        last = m.end()
    literals.append(template[last:])
    return _Template(tuple(literals), tuple(names))


_VALUE_SETS = {name: sorted(body.split("|"), key=len, reverse=True) for name, body in _VALUES.items()}
_CUT = [(cut(en), zh) for en, zh in TEMPLATES]
MAX_DEPTH = 3  # a sentence inside a sentence (a status inside a caveat); deeper text stays as written


def sentence(english: str, depth: int = 0) -> str:
    """The Chinese form of one engine sentence, or the sentence unchanged when no template matches."""
    if depth > MAX_DEPTH:
        return english
    for template, zh in _CUT:
        values = template.match(english)
        if values is not None:
            converted = {}
            for k, v in values.items():
                if k in _NESTED:
                    converted[k] = _NESTED[k](v, depth + 1)
                else:
                    converted[k] = _CONVERT.get(k, lambda s: s)(v)
            return zh.format(**converted)
    return english


def text(english: str, lang: str) -> str:
    """An engine sentence in `lang`: Chinese, English, or both (Chinese first)."""
    if lang == "zh":
        return sentence(english)
    if lang == "both":
        zh = sentence(english)
        return english if zh == english else f"{zh} / {english}"
    return english
