"""The HTML report's stylesheet, kept apart from the markup so each stays readable.

Fonts are local families only (no web fonts: the report makes no request); Noto Sans CJK comes from the
system (Debian `fonts-noto-cjk`). The print rules target A4: margins wide enough for a hole punch, page
numbers in the page-margin boxes (Chromium 131+; other browsers leave them out), the running header as a
table header that the browser repeats on every page, and no break inside a finding, checklist item or the
sign-off block. Colours are printed as shown (`print-color-adjust: exact`) because the verdict banner's
colour carries meaning.
"""

CSS = """
:root { --ink: #1a1a1a; --muted: #5f6368; --rule: #c8ccd0; --mark: #fff1a8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans", sans-serif;
  font-size: 10.5pt; line-height: 1.45; }
table.page { width: 100%; max-width: 190mm; margin: 0 auto; border-collapse: collapse; }
table.page > thead > tr > td, table.page > tbody > tr > td { padding: 0 6mm; }
.running { font-size: 8pt; color: var(--muted); border-bottom: 1px solid var(--rule); padding: 2mm 0 1.5mm;
  margin-bottom: 3mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header h1 { font-size: 17pt; margin: 0 0 3mm; line-height: 1.25; }
h2 { font-size: 13pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 2px solid var(--ink);
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
.small { font-size: 8.5pt; color: var(--muted); }
.muted { color: var(--muted); }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
mark { background: var(--mark); padding: 0 1px; }
.banner { border-radius: 2mm; padding: 4mm 5mm; margin: 2mm 0 4mm; color: #fff; break-inside: avoid; }
.banner .verdict-label { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .08em; opacity: .9; }
.banner .verdict { font-size: 16pt; font-weight: 700; line-height: 1.3; margin: 1mm 0 2mm; }
.banner ul { margin: 1mm 0 2mm 5mm; padding: 0; }
.banner .duty { font-weight: 500; }
.banner .gate { font-weight: 700; margin: 2mm 0 0; }
.v-prohibited { background: #7f1d1d; }
.v-licence { background: #b3261e; }
.v-review { background: #8a5a00; }
.v-free { background: #1b6e35; }
.v-not-export { background: #0b5c8a; }
table.facts { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; }
table.facts th { text-align: left; width: 40mm; vertical-align: top; color: var(--muted); font-weight: 500;
  padding: 1mm 3mm 1mm 0; border-bottom: 1px solid #eceef0; }
table.facts td { padding: 1mm 0; border-bottom: 1px solid #eceef0; vertical-align: top; }
.bi { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.bi > div + div { border-left: 1px solid var(--rule); padding-left: 4mm; }
.tech { margin: 1mm 0 3mm; }
.tech p { margin: 1mm 0 0; }
article.finding { border: 1px solid var(--rule); border-left: 4px solid #888; border-radius: 1.5mm;
  padding: 2.5mm 4mm; margin: 3mm 0; break-inside: avoid; page-break-inside: avoid; }
article.o-prohibited { border-left-color: #7f1d1d; }
article.o-licence_required { border-left-color: #b3261e; }
article.o-review { border-left-color: #b07a00; }
article.o-free { border-left-color: #1b6e35; }
article.finding h3 { margin: 0 0 1mm; }
.meta { font-size: 9pt; margin-bottom: 2mm; }
.wording { background: #f6f7f8; padding: 2mm 3mm; margin: 1mm 0 2mm; }
table.evidence, table.scan { width: 100%; border-collapse: collapse; font-size: 9pt; }
table.evidence th, table.evidence td, table.scan th, table.scan td { border: 1px solid #dfe1e4;
  padding: 1mm 2mm; text-align: left; vertical-align: top; }
table.scan td:first-child { width: 40%; }
table.evidence th, table.scan th { background: #f0f1f3; font-weight: 600; }
.flag { font-size: 8pt; color: #b3261e; font-weight: 700; }
ul.reasons, ul.notes { margin: 2mm 0 0 5mm; padding: 0; font-size: 9pt; }
svg.timeline { display: block; margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
svg.timeline text { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; fill: #1a1a1a; }
svg.timeline .track { font-size: 19px; font-weight: 700; }
svg.timeline .label { font-size: 17px; }
svg.timeline .label.next { font-weight: 700; fill: #0b5cad; }
svg.timeline .date { font-size: 15px; fill: #0b5c2a; }
svg.timeline .limit { font-size: 15px; fill: #5f6368; }
svg.timeline .axis { stroke: #9aa0a6; stroke-width: 3; }
svg.timeline .stop { stroke: #1a1a1a; stroke-width: 2; }
svg.timeline .today { stroke: #b3261e; stroke-width: 2.5; stroke-dasharray: 5 3; }
svg.timeline .todaytext { font-size: 16px; font-weight: 700; fill: #b3261e; }
ol.items { list-style: none; margin: 0; padding: 0; }
li.item { border-bottom: 1px solid #eceef0; padding: 2mm 0; break-inside: avoid; page-break-inside: avoid; }
li.item .head { font-weight: 600; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1.5px solid #1a1a1a; margin-right: 2mm;
  text-align: center; line-height: 3.6mm; font-size: 9pt; vertical-align: -0.6mm; }
.badge { font-size: 8pt; font-weight: 700; border: 1px solid var(--rule); border-radius: 1mm; padding: 0 1.5mm;
  margin-left: 1mm; white-space: nowrap; }
li.s-next .badge { background: #0b5cad; color: #fff; border-color: #0b5cad; }
li.s-warning .badge { background: #b3261e; color: #fff; border-color: #b3261e; }
li.s-warning .box { border-color: #b3261e; color: #b3261e; }
li.s-done .title { color: var(--muted); }
li.s-blocked .badge { color: var(--muted); }
li.item dl { margin: 1mm 0 0 6mm; display: grid; grid-template-columns: max-content 1fr; column-gap: 3mm;
  font-size: 9pt; }
li.item dt { color: var(--muted); }
li.item dd { margin: 0; }
li.item dd.detail { grid-column: 1 / -1; margin-bottom: 1mm; }
.problem { color: #b3261e; font-weight: 600; }
section.signoff { break-inside: avoid; page-break-inside: avoid; }
table.sign { width: 100%; border-collapse: collapse; }
table.sign th, table.sign td { border: 1px solid #7a7f85; padding: 2mm; text-align: left; }
table.sign tbody td { height: 16mm; }
table.sign tbody th { width: 38mm; }
table.sign thead th:last-child { width: 24%; }
section.notice { font-size: 8.5pt; color: var(--muted); break-inside: avoid; }
section.notice > div { margin-bottom: 2mm; }
.totals { font-weight: 600; }
.pill { color: #fff; border-radius: 1mm; padding: 0 1.5mm; font-weight: 700; white-space: nowrap; }
@page { size: A4; margin: 12mm 10mm 16mm;
  @bottom-right { content: "exportcheck · " counter(page) " / " counter(pages); font-size: 8pt; color: #5f6368; }
}
@media print {
  table.page { max-width: none; }
  table.page > thead > tr > td, table.page > tbody > tr > td { padding: 0; }
  section.signoff { margin-top: 6mm; }
}
"""
