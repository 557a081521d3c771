"""assess(deal, catalogue version) -> Assessment: pure, deterministic, explains itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import __version__
from ..catalogue import Catalogue, ResolvedVersion
from ..catalogue_query import added_by, deleted_by
from ..errors import InputError, Problem
from ..models.assessment import (
    Assessment,
    CatalogueRef,
    CoverageOut,
    Finding,
    NearMiss,
    Strength,
    TechnologyResult,
    Verdict,
)
from ..models.catalogue import VersionStatus
from ..models.deal import Deal, Technology
from ..normalize import Normalised
from . import params
from .dual_use import with_dual_use
from .handcheck import explain_unchecked
from .licences import check_licence
from .matcher import (
    CompiledVersion,
    compile_version,
    compile_versions,
    fields_of,
)
from .rulings import apply_rulings
from .screening import (
    LineOf,
    Screened,
    finding_of,
    group_hits,
    near_miss,
    needs_met,
    screen,
)
from .tidy import is_subject_hint, prefer_other_version_points, without_duplicate_evidence
from .weighing import (
    disguise_warnings,
    explained_away,
    miss_from,
    shared_heading,
    weigh_goods,
    weigh_no_technology,
)
from .wording import no_technology_statement, thin_description


@dataclass(frozen=True)
class Selection:
    version: ResolvedVersion
    selected_by: str  # deal_date | as_of | pinned | today
    date: dt.date | None
    reason: str


def select_version(
    catalogue: Catalogue,
    *,
    deal_date: dt.date | None,
    as_of: dt.date | None,
    pinned: str | None,
    today: dt.date,
    file: str = "",
) -> Selection:
    """The law in force on the chosen day: --catalogue-version, else --as-of, else the deal's date, else today."""
    if pinned:
        version = catalogue.versions.get(pinned)
        laws = [v.id for v in catalogue.laws()]
        if version is None or version.meta.status is not VersionStatus.LAW:
            raise InputError(
                [
                    Problem(
                        file or "--catalogue-version",
                        None,
                        "",
                        f"unknown catalogue version {pinned!r}; choose one of {', '.join(laws)}",
                    )
                ]
            )
        return Selection(version, "pinned", None, f"pinned with --catalogue-version {pinned}")
    if as_of:
        day, by, why = as_of, "as_of", f"in force on {as_of.isoformat()} (--as-of)"
    elif deal_date:
        day, by, why = deal_date, "deal_date", f"in force on the deal date {deal_date.isoformat()}"
    else:
        day, by, why = today, "today", f"in force today ({today.isoformat()}); the deal gives no date"
    version = catalogue.in_force(day)
    if version is None:
        earliest = catalogue.laws()[0]
        key = "date" if by == "deal_date" else ""
        raise InputError(
            [
                Problem(
                    file or "--as-of",
                    None,
                    key,
                    f"{day.isoformat()} is before the earliest encoded catalogue version "
                    f"({earliest.id}, in force from {earliest.meta.effective.isoformat()}); "
                    "exportcheck cannot judge earlier transfers",
                )
            ]
        )
    return Selection(version, by, day, why)


def _fields(tech: Technology, title: str | None, compiled: CompiledVersion) -> list[tuple[str, Normalised]]:
    words = compiled.matcher.vocabulary
    return fields_of(tech.name, tech.description, tech.keywords, title, sorted(tech.parameters), words)


def _match_technology(
    index: int,
    tech: Technology,
    version: ResolvedVersion,
    line_of: LineOf,
    title: str | None = None,
    single: bool = False,
) -> tuple[list[Finding], list[NearMiss]]:
    """Findings and near misses for one technology; `single` when it is the deal's only technology."""
    compiled = compile_version(version)
    title_is_own = title is not None and single
    found = compiled.find(_fields(tech, title, compiled), title_is_own)
    findings: list[Finding] = []
    misses: list[NearMiss] = []
    groups = group_hits(found, compiled, title_is_own)
    matched_entries: set[str] = set()
    for (entry_id, cp_number), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if cp_number is None:
            continue
        entry = version.entries[entry_id]
        cp = next(c for c in entry.control_points if c.number == cp_number)
        screened = screen(entry, cp_number, g, compiled, index, line_of)
        if not isinstance(screened, Screened):
            misses += [screened] if screened else []
            continue
        evidence, overridden = screened.evidence, screened.notes
        strength = Strength.MATCH if (screened.term or screened.name) else Strength.POSSIBLE
        reasons = [] if strength is Strength.MATCH else ["only related terms matched, not the point itself"]
        reasons += overridden
        strength = needs_met(entry, strength, groups, reasons)
        checks = [params.check(p, tech.parameters) for p in cp.parameters]
        failing = [c for c in checks if c.holds is False]
        if failing:
            reason = "; ".join(f"{c.given} does not meet {c.requirement}" for c in failing)
            misses.append(near_miss(entry, cp.number, index, evidence, f"below threshold: {reason}"))
            continue
        questions = []
        missing = [c for c in checks if c.holds is None]
        if missing:
            strength = Strength.POSSIBLE
            reasons.append(
                "threshold values missing or unreadable; the point applies only if all thresholds hold"
            )
            questions = [f"provide {c.requirement.split(' >')[0].split(' <')[0]} ({c.note})" for c in missing]
        findings.append(
            finding_of(entry, cp, strength, reasons, index, tech, evidence, version, checks, questions)
        )
        matched_entries.add(entry.id)
    for (entry_id, cp_number), g in sorted(groups.items(), key=lambda kv: kv[0][0]):
        if cp_number is not None or entry_id in matched_entries:
            continue
        entry = version.entries[entry_id]
        screened = screen(entry, None, g, compiled, index, line_of)
        if not isinstance(screened, Screened):
            misses += [screened] if screened else []
            continue
        evidence, overridden = screened.evidence, screened.notes
        strength = Strength.MATCH if screened.term else Strength.POSSIBLE
        reasons = list(overridden)
        strength = needs_met(entry, strength, groups, reasons)
        if strength is Strength.POSSIBLE:
            reasons.append(
                "resembles the entry's subject matter, but no encoded control point matched"
                + (
                    ""
                    if entry.control_points_complete
                    else " (the entry's control points are not all encoded)"
                )
            )
        findings.append(finding_of(entry, None, strength, reasons, index, tech, evidence, version))
    return findings, misses


def _other_versions(
    index: int,
    tech: Technology,
    chosen: ResolvedVersion,
    catalogue: Catalogue,
    line_of: LineOf,
    matched: set[str],
    title: str | None = None,
    single: bool = False,
) -> tuple[list[Finding], list[NearMiss]]:
    """What the technology matches in the other law versions.

    An entry the chosen version does not hold is a near miss (deleted, or added later). An entry it does
    hold, but whose encoded points found nothing while another version's point of the same entry matched,
    becomes a `review` finding when the chosen version's points are not all encoded: the point may well
    still be there, and a silent 'free' would be a guess.
    """
    misses: list[NearMiss] = []
    extra: list[Finding] = []
    seen: set[str] = set()
    title_is_own = title is not None and single
    fields = _fields(tech, title, compile_version(chosen))  # one matcher serves every version

    def could_matter(entry_id: str) -> bool:
        entry = chosen.entries.get(entry_id)
        return entry is None or (entry_id not in matched and not entry.control_points_complete)

    for other in catalogue.laws():
        if other is chosen:
            continue
        compiled = compile_version(other)
        groups = group_hits(compiled.find(fields, title_is_own), compiled, title_is_own)
        if not any((g.term or g.name) and could_matter(eid) for (eid, _), g in groups.items()):
            continue  # only a term or heading that matched can make a finding that counts below
        findings, _ = _match_technology(index, tech, other, line_of, title, single)
        for f in findings:
            if f.entry_id in seen or f.strength is not Strength.MATCH:
                continue
            if f.control_point is None and f.entry_id in chosen.entries:
                continue  # another version's aids for a whole entry the chosen one holds: its own aids judge
            seen.add(f.entry_id)
            when = "later" if other.meta.effective > chosen.meta.effective else "earlier"
            point = f"control point {f.control_point} " if f.control_point else ""
            absent = _point_absent(other, f, chosen, catalogue)
            if absent:
                misses.append(
                    miss_from(f, index, f"matches {point}of the {when} version {other.id}, {absent}")
                )
                continue
            if f.entry_id in chosen.entries:
                entry = chosen.entries[f.entry_id]
                if f.entry_id in matched or entry.control_points_complete:
                    continue
                text = f" ({f.control_point_text.best('zh')})" if f.control_point_text else ""
                reasons = [
                    f"{point}{text.strip()} of this entry matched in the {when} version {other.id}; version "
                    f"{chosen.id}'s control points are not all encoded, so whether it still controls this "
                    "technology is not confirmed"
                ]
                extra.append(
                    finding_of(entry, None, Strength.POSSIBLE, reasons, index, tech, f.evidence, chosen)
                )
                continue
            deleted, added = deleted_by(catalogue, f.entry_id), added_by(catalogue, f.entry_id)
            how = f"; deleted by version {', '.join(deleted)}" if deleted else ""
            how += f"; added by version {', '.join(added)}" if added and when == "later" else ""
            misses.append(
                miss_from(
                    f,
                    index,
                    f"matches {f.part.value} entry {point}of the {when} version {other.id} "
                    f"(in force from {other.meta.effective.isoformat()}), which version {chosen.id} "
                    f"does not hold{how}",
                )
            )
    return extra, misses


def _overlay_label(catalogue: Catalogue) -> str | None:
    ov = catalogue.overlay
    if ov is None:
        return None
    return (
        f"overlay {ov.name} (version {ov.version}, {ov.entries} entries imported {ov.imported_date} from "
        f"{ov.imported_file}, sha256 {ov.sha256})"
    )


def _point_absent(
    other: ResolvedVersion, f: Finding, chosen: ResolvedVersion, catalogue: Catalogue
) -> str | None:
    """Why the point that matched in another version cannot be in the chosen one, when a source says so:
    added by a later instrument, or removed by an earlier one."""
    entry = other.entries.get(f.entry_id)
    cp = next((c for c in entry.control_points if c.number == f.control_point), None) if entry else None
    if cp is None or cp.history is None:
        return None
    effective = {v.id: v.meta.effective for v in catalogue.laws()}
    added, removed = cp.history.added_in, cp.history.removed_in
    if added in effective and effective[added] > chosen.meta.effective:
        return (
            f"which was added to the text by version {added} (in force from {effective[added].isoformat()}), "
            f"after version {chosen.id}"
        )
    if removed in effective and effective[removed] <= chosen.meta.effective:
        return f"which was removed from the text by version {removed} ({effective[removed].isoformat()})"
    return None


def _coverage(version: ResolvedVersion) -> CoverageOut:
    c = version.coverage()
    fields = {k: getattr(c, k) for k in CoverageOut.model_fields}
    return CoverageOut(**fields)


def _not_export_reason(deal: Deal) -> str | None:
    """Why the transfer is not a technology export from mainland China, or None when it is one.
    A missing party is assumed to make it an export (fail closed)."""
    if deal.exporter and deal.exporter.country != "CN":
        return (
            f"the exporter is outside mainland China ({deal.exporter.country}): this is not a technology "
            "export from China, so the catalogue does not apply (technology imports follow their own rules)"
        )
    if deal.exporter and deal.recipient and deal.recipient.country == "CN":
        return (
            "exporter and recipient are both in mainland China (CN): the transfer does not "
            "leave China, so the catalogue's export rules do not apply"
        )
    return None


def _with_licences(found: list[Finding], deal: Deal, day: dt.date) -> list[Finding]:
    out = []
    for f in found:
        check = check_licence(f, deal, day)
        out.append(
            f.model_copy(update={"licence": check, "waived": bool(check and check.status == "covered")})
        )
    return out


def _worst(verdicts: list[Verdict], default: Verdict) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=default)


def assess(
    deal: Deal,
    catalogue: Catalogue,
    selection: Selection,
    *,
    deal_file: str,
    line_of: LineOf | None = None,
    strict: bool = False,
    today: dt.date,
    rulings: bool = True,
) -> Assessment:
    """Judge every technology of the deal against the selected version; the overall verdict is the worst.

    `today` is the day recorded licences and rulings are checked against (the caller's clock, never read
    here); `rulings=False` shows the assessment as if the deal recorded none.
    """
    version = selection.version
    compile_versions(catalogue.ordered())
    line = line_of or (lambda _path: None)
    single = len(deal.technologies) == 1
    findings: list[Finding] = []
    misses: list[NearMiss] = []
    techs: list[TechnologyResult] = []
    unpointed = {e.id for e in version.entries.values() if not e.control_points}
    gates: list[Verdict] = []
    for i, tech in enumerate(deal.technologies):
        f, m = _match_technology(i, tech, version, line, deal.title, single)
        said = no_technology_statement(tech)
        f, m = weigh_no_technology(said, i, f, m)
        pointed = {x.entry_id for x in f if not is_subject_hint(x)}  # a hint may yield to another version
        extra, other_misses = _other_versions(i, tech, version, catalogue, line, pointed, deal.title, single)
        m += other_misses
        f, m = explained_away(prefer_other_version_points(f, extra), m)
        f, m = weigh_goods(tech, said, deal.forms, i, f, m)
        f = shared_heading(f, unpointed)
        f = without_duplicate_evidence(_with_licences(f, deal, today))
        reasons = []
        verdict = _worst([x.outcome for x in f], Verdict.FREE)
        if verdict is Verdict.FREE:
            thin = thin_description(tech)
            if thin:
                verdict = Verdict.REVIEW
                reasons.append(thin)
            else:
                reasons.append("no encoded entry or control point matched")
        else:
            reasons += sorted(
                {
                    f"{x.code or x.entry_id} {x.name.best()}"
                    + (f" CP{x.control_point}" if x.control_point else "")
                    + f": {x.strength.value} -> {x.outcome.value}"
                    for x in f
                }
            )
        findings += f
        misses += m
        gates.append(_worst([x.outcome for x in f if not x.waived], Verdict.FREE) if f else verdict)
        techs.append(
            TechnologyResult(
                index=i, name=tech.name, line=line(("technologies", i)), verdict=verdict, reasons=reasons
            )
        )
    coverage = _coverage(version)
    verdict = _worst([t.verdict for t in techs], Verdict.FREE)
    gate = _worst(gates, Verdict.FREE)
    verdict_reasons: list[str] = []
    caveats: list[str] = []
    if verdict is Verdict.FREE and not coverage.complete:
        gap = (
            f"version {version.id} is only partly encoded: {coverage.encoded_entries} of "
            f"{coverage.official_entries} entries, few with all their control points; 'free' means no "
            "encoded entry matched, not that the technology is absent from the official catalogue"
        )
        caveats.append(gap)
        if strict:
            verdict = Verdict.REVIEW
            verdict_reasons.append("--strict: the catalogue coverage gap turns 'free' into 'review'")
    if strict and gate is Verdict.FREE and not coverage.complete:
        gate = Verdict.REVIEW
    not_export = _not_export_reason(deal)
    if not_export:
        verdict_reasons.append(not_export)
        if findings and deal.exporter and deal.exporter.country == "CN":
            caveats.append(
                "dual-use technology provided to foreign persons inside China can still need an "
                "export-control licence (出口管制法 art. 2(3))"
            )
        verdict = gate = Verdict.NOT_EXPORT
    elif deal.recipient and deal.recipient.country in ("HK", "MO", "TW"):
        caveats.append(
            f"the recipient is in {deal.recipient.country}: outside mainland China, so treated as "
            "a technology export"
        )
    verdict_reasons += [f"{t.name}: {t.verdict.value}" for t in techs]
    waived = [f for f in findings if f.waived]
    if waived:
        verdict_reasons.append(
            f"{len(waived)} restricted finding(s) covered by a licence recorded in the deal; "
            f"gate verdict {gate.value}"
        )
    dual_use = sorted(
        {f"{f.code or f.entry_id} {f.name.best()}: {f.dual_use_hint}" for f in findings if f.dual_use_hint}
    )
    disguised = disguise_warnings(findings, deal)
    caveats += disguised
    notice = version.meta.notice
    if notice and notice.zh:
        # the official Chinese beside its unofficial English, so neither language's report is left without it
        official = f"{version.meta.instrument.best('zh')}：{notice.zh}"
        caveats.append(
            f"{version.meta.instrument.best('en')}: {notice.en} [official text: {official}]"
            if notice.en
            else official
        )
    result = Assessment(
        tool_version=__version__,
        deal_file=deal_file,
        deal_title=deal.title,
        verdict=verdict,
        gate_verdict=gate,
        verdict_reasons=verdict_reasons,
        catalogue=CatalogueRef(
            version=version.id,
            instrument=version.meta.instrument,
            effective=version.meta.effective.isoformat(),
            superseded=version.superseded.isoformat() if version.superseded else None,
            selected_by=selection.selected_by,
            selection_date=selection.date.isoformat() if selection.date else None,
            reason=selection.reason,
            sha256=catalogue.sha256,
            coverage=coverage,
            overlay=_overlay_label(catalogue),
        ),
        technologies=techs,
        findings=sorted(findings, key=_finding_key),
        near_misses=sorted(misses, key=lambda m: (m.technology, m.entry_id, m.control_point or "", m.reason)),
        caveats=caveats,
        dual_use=dual_use,
        disguised=disguised,
        next_duty=NEXT_DUTY[verdict],
    )
    if rulings:
        result = apply_rulings(result, deal, day=today, strict=strict, next_duty=NEXT_DUTY, line_of=line)
    result = with_dual_use(result, deal, catalogue, selection.date or deal.date or today, line_of, NEXT_DUTY)
    return explain_unchecked(result, deal, version)


def _finding_key(f: Finding) -> tuple[int, int, str, int, str]:
    cp = int(f.control_point) if f.control_point and f.control_point.isdigit() else -1
    return (-f.outcome.rank, f.technology, f.code or f.entry_id, cp, f.strength.value)


NEXT_DUTY = {
    Verdict.PROHIBITED: "Do not export: prohibited technology may not be exported (技术进出口管理条例 art. 29).",
    Verdict.LICENCE_REQUIRED: "Stop substantive negotiation and apply to the provincial commerce department for a "
    "technology export licence; negotiate and sign only after the letter of intent (技术进出口管理条例 arts. 30–33).",
    Verdict.REVIEW: "Have counsel review the findings and supply what is missing before any substantive "
    "negotiation; do not treat this transfer as free.",
    Verdict.FREE: "Free technology still needs contract registration with the commerce department after the "
    "contract takes effect (技术进出口管理条例 arts. 36–37).",
    Verdict.NOT_EXPORT: "No technology export: the catalogue does not apply; check dual-use rules if foreign "
    "persons in China receive controlled technology.",
}
