"""Examples shown at the end of each command's `--help`.

Kept out of cli.py so the command module stays about behaviour; `cli.attach_examples` hangs them on the
commands. `\b` keeps click from re-wrapping the lines of an example block."""

from __future__ import annotations

EXAMPLES: dict[tuple[str, ...], str] = {
    (): """\b
Examples:
  exportcheck init contracts/acme-licence.deal.yaml
  exportcheck assess contracts/acme-licence.deal.yaml
  exportcheck checklist contracts/acme-licence.deal.yaml --lang both
  exportcheck scan contracts --format sarif --output exportcheck.sarif

\b
Reading the output (verdicts, match/possible, J/X, markers): README.md, "Reading the output".
Shell completion: eval "$(_EXPORTCHECK_COMPLETE=bash_source exportcheck)"   (zsh_source, fish_source)
""",
    ("assess",): """\b
Examples:
  exportcheck assess deal.yaml
  exportcheck assess deal.yaml --explain          # also the near misses and why
  exportcheck assess deal.yaml --as-of 2025-06-01 --format json --output -
  exportcheck assess deal.yaml --fail-on licence_required --strict
  exportcheck assess gbk.deal.yaml --encoding gb18030 --lang zh
  generate-deal | exportcheck assess -                # the deal from standard input
""",
    ("checklist",): """\b
Examples:
  exportcheck checklist deal.yaml
  exportcheck checklist deal.yaml --lang both --format markdown --output checklist.md
""",
    ("scan",): """\b
Examples:
  exportcheck scan                                # every **/deal.yaml, **/*.deal.yaml (.yml too)
  exportcheck scan contracts --exclude 'contracts/archive/**'
  exportcheck scan contracts --format sarif --output exportcheck.sarif
  exportcheck scan contracts --fail-on-deadline overdue --deadline-window 14
""",
    ("due",): """\b
Examples:
  exportcheck due contracts --within 30
  exportcheck due contracts --format ics --output deadlines.ics
""",
    ("rule",): """\b
Example:
  exportcheck rule deal.yaml --technology "Neural TTS engine" --entry 086501X \\
      --control-point 17 --decision not_applicable --by "A. Counsel" \\
      --reason "Concatenative prompts only; no synthesis model"
""",
    ("schema",): """\b
Example (editor completion; keep the yaml-language-server line `init` writes):
  exportcheck schema > deal.schema.json
""",
    ("init",): """\b
Examples:
  exportcheck init contracts/acme-licence.deal.yaml      # asks in a terminal
  exportcheck init acme.deal.yaml --no-interactive --title "Licence of the ERP module" \\
      --date 2026-11-01 --exporter "Example Soft (Chengdu) Co., Ltd." --recipient "Example GmbH" \\
      --recipient-country DE --channel trade --stage negotiating --forms know_how_transfer \\
      --technology "ERP module" --description "Source code of the general-ledger module"
""",
    ("config",): """\b
Example:
  exportcheck config --format json
""",
    ("log", "verify"): """\b
Example:
  exportcheck assess deal.yaml --log audit/exportcheck.log && exportcheck log verify audit/exportcheck.log
""",
    ("catalogue", "list"): """\b
Examples:
  exportcheck catalogue list --version 2023 --part prohibited
  exportcheck catalogue list --industry 信息
""",
    ("catalogue", "show"): """\b
Examples:
  exportcheck catalogue show 086501X
  exportcheck catalogue show M12
""",
    ("catalogue", "search"): """\b
Examples:
  exportcheck catalogue search 语音合成
  exportcheck catalogue search "speech synthesis"
""",
    ("catalogue", "status"): """\b
Example:
  exportcheck catalogue status --as-of 2026-12-01
""",
    ("catalogue", "diff"): """\b
Example:
  exportcheck catalogue diff 2020 2023
""",
    ("catalogue", "validate"): """\b
Examples:
  exportcheck catalogue validate
  exportcheck catalogue validate compliance/catalogue-2023
""",
    ("catalogue", "import"): """\b
Example:
  exportcheck catalogue import catalogue-2023.txt --version 2023 --into compliance/catalogue-2023
""",
}
