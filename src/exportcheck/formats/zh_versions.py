"""Chinese templates for the sentences about a version read backwards from a later one (the 2008 catalogue):
kept beside `zh.py`'s list, which takes them in, so that module stays small."""

from __future__ import annotations

DERIVED_VERSION_TEMPLATES: list[tuple[str, str]] = [
    # near misses (engine/assess.py): an entry a version derived from a later one undoes as added
    (
        "matches {part} entry control point {n} of the {when} version {v} (in force from {d}), which version "
        "{v2} does not hold; added by version {list}",
        "与{when}{v}年版目录（{d}起施行）{part}条目的控制要点{n}相符，{v2}年版目录未列有该条目；该条目由{list}年版增列",
    ),
    (
        "matches {part} entry of the {when} version {v} (in force from {d}), which version {v2} does not hold; "
        "added by version {list}",
        "与{when}{v}年版目录（{d}起施行）的{part}条目相符，{v2}年版目录未列有该条目；该条目由{list}年版增列",
    ),
    # catalogue layer (catalogue_derive.py): an entry carried back into a version read from a later one
    (
        "version {v} modified this entry and its wording in version {v2} is not known: a match on it is not "
        "decisive",
        "{v}年版修改了该条目，其在{v2}年版中的措辞不详：与之相符不能作为定论",
    ),
    (
        "known in version {v} from an organisation's copy of its official text; whether version {v2} held it in "
        "this wording is not known",
        "{v}年版中的该条目来自本单位导入的官方文本；{v2}年版是否以此表述列有该条目不详",
    ),
    (
        "no source places this entry in version {v}; it may be one of version {v2}'s unidentified additions",
        "现有来源均未表明{v}年版列有该条目；它可能是{v2}年版新增而未查明的条目之一",
    ),
    (
        "in the version {v} text and not among the entries version {v2} is known to have added or modified; "
        "its control points as encoded are read back from that text",
        "见于{v}年版文本，且不在已知由{v2}年版新增或修改的条目之列；所收录的控制要点系由该文本倒推",
    ),
]
