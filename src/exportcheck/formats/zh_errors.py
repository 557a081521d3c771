"""Chinese forms of the one-line problems in a deal file (validation.py, yamlsafe.py, deal_loader.py,
models/deal.py). The CLI keeps the English line for scripts and adds the Chinese after " / " when the report
language is Chinese; a message no template knows stays English only."""

from __future__ import annotations

from .zh import cut

# Problems in a deal file (validation.py, yamlsafe.py, deal_loader.py, models/deal.py): the one-line error
# keeps its English for scripts and adds the Chinese after " / " when the report language is Chinese.
PROBLEMS: list[tuple[str, str]] = [
    ("unknown key; did you mean {k}?", "未知的键；是否应为{k}？"),
    ("unknown key (allowed: {keys})", "未知的键（允许的键：{keys}）"),
    ("unknown key", "未知的键"),
    ("required key is missing", "缺少必填的键"),
    ("unknown value {v}; allowed: {allowed}", "未知的值{v}；允许的值：{allowed}"),
    ("must not be empty", "不得为空"),
    (
        "not a date: {v}; write it as YYYY-MM-DD, e.g. 2021-01-30",
        "不是日期：{v}；请写作 YYYY-MM-DD，例如 2021-01-30",
    ),
    (
        "is empty; a deal needs at least 'title' and 'technologies'",
        "文件为空；交易文件至少需要 'title' 和 'technologies'",
    ),
    (
        "top level is {kind}, expected a mapping with 'title' and 'technologies'",
        "顶层是{kind}，应为含 'title' 和 'technologies' 的映射",
    ),
    ("is a directory, not a YAML file", "是目录，不是 YAML 文件"),
    ("cannot read: {why}", "无法读取：{why}"),
    ("is a binary file, not YAML text", "是二进制文件，不是 YAML 文本"),
    ("cannot decode as {enc}: {why}", "无法按 {enc} 解码：{why}"),
    ("YAML syntax error{col}: {what}", "YAML 语法错误{col}：{what}"),
    ("YAML error: {e}", "YAML 错误：{e}"),
    (
        "{n} technologies, over the limit of {m}; split the deal or raise --max-technologies",
        "共{n}项技术，超过上限{m}；请拆分交易文件或提高 --max-technologies",
    ),
    ("must be a two-letter ISO 3166 code, got {v}", "须为两个字母的 ISO 3166 国家代码，实际为 {v}"),
    (
        "{v} is not an ISO 3166-1 alpha-2 country code (e.g. CN, US, DE, NO)",
        "{v}不是 ISO 3166-1 两字母国家代码（如 CN、US、DE、NO）",
    ),
    (
        "parameter {k} needs a number with its unit, e.g. '2.62 g/cm3'",
        "技术参数{k}须写明数值和单位，例如 '2.62 g/cm3'",
    ),
    (
        "licence_number given without licence_issued (the date the licence was issued)",
        "填写了 licence_number 但缺少 licence_issued（许可证颁发日期）",
    ),
    ("licence_expiry is before licence_issued", "licence_expiry 早于 licence_issued"),
    (
        "contains control characters (terminal escapes); write plain text",
        "含控制字符（终端转义序列）；请写纯文本",
    ),
    ("expires is before date", "expires 早于 date"),
]
_CUT_PROBLEMS = [(cut(en), zh) for en, zh in PROBLEMS]


def problem(message: str) -> str | None:
    """The Chinese of a problem's message, or None when no template matches (it then stays English)."""
    for template, zh in _CUT_PROBLEMS:
        values = template.match(message)
        if values is not None:
            return zh.format(**values)
    return None
