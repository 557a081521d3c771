"""What a deal's own wording says about itself, apart from the catalogue: too thin to judge, deferring to
an attachment, or saying outright that no technology passes. Pure functions of a technology's text."""

from __future__ import annotations

import re
from collections.abc import Collection

from ..models.deal import Technology
from ..normalize import normalised, stem, to_simplified

# Words that say nothing about what a technology is: function words and deal boilerplate. A description
# made only of these ("transfer of our core technology and related documents") is too thin to judge.
_FILLER_EN = {
    stem(w)
    for w in [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "for",
        "with",
        "by",
        "in",
        "on",
        "at",
        "from",
        "as",
        "our",
        "their",
        "its",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "we",
        "they",
        "it",
        "is",
        "are",
        "be",
        "will",
        "would",
        "shall",
        "may",
        "all",
        "any",
        "other",
        "related",
        "relevant",
        "relating",
        "technology",
        "technologies",
        "technical",
        "tech",
        "core",
        "key",
        "document",
        "documents",
        "documentation",
        "material",
        "materials",
        "information",
        "data",
        "know",
        "how",
        "knowhow",
        "transfer",
        "transferred",
        "transfers",
        "licence",
        "license",
        "licensed",
        "provide",
        "provided",
        "provision",
        "partner",
        "partners",
        "customer",
        "buyer",
        "party",
        "parties",
        "recipient",
        "company",
        "package",
        "packages",
        "detail",
        "details",
        "attached",
        "attachment",
        "annex",
        "appendix",
        "see",
        "per",
        "etc",
        "including",
        "include",
        "includes",
        "product",
        "products",
        "solution",
        "solutions",
        "system",
        "systems",
        "process",
        "processes",
        "new",
        "advanced",
        "proprietary",
        "our",
        "full",
        "complete",
        "relevant",
        "use",
        "using",
    ]
}
_FILLER_ZH = (
    "技术",
    "转让",
    "许可",
    "相关",
    "资料",
    "文件",
    "附件",
    "具体",
    "详见",
    "参见",
    "见",
    "及",
    "和",
    "与",
    "的",
    "等",
    "我方",
    "我司",
    "对方",
    "合作",
    "提供",
    "有关",
    "全部",
    "一套",
    "包",
    "工艺",
    "配方",
    "材料",
    "新",
    "方案",
    "产品",
    "系统",
    "核心",
    "先进",
    "内容",
    "项目",
)
_SEE_ATTACHMENT = re.compile(
    r"见附件|详见附件|参见附件|见附表|附件所列|另行提供|以附件为准"
    # 另附 defers only what is transferred (技术资料另附), not an extra ("另附防腐处理建议")
    r"|(?:技术|资料|内容|清单|范围)[^。；]{0,6}另附|另附[^。；]{0,4}(?:技术|资料|清单|内容)"
    r"|\b(?:see|in|per|under|described in|set out in|listed in|specified in|defined in)\s+(?:the\s+)?"
    r"(?:attached\s+)?(?:annex|appendix|attachment|exhibit|schedule)\b"
    r"|\bas attached\b|\bprovided separately\b|\bto be (?:provided|supplied|agreed) (?:separately|later)\b"
    # what passes is left to work orders agreed later ("particulars are set out in statements of work to be
    # agreed from time to time"; 具体服务内容以双方另行签订的工作说明书为准)
    r"|\b(?:particulars|details|scope|specifics|deliverables|content|services|work)\b[^.;]{0,40}"
    r"\b(?:set out|defined|specified|described|detailed|listed|agreed)\s+(?:in|under|by)\s+(?:the\s+|each\s+|separate\s+)?"
    r"(?:statements? of work|sows?|work orders?|task orders?|purchase orders?|service orders?)\b"
    r"|\b(?:statements? of work|sows?|work orders?|task orders?)\b[^.;]{0,20}\bto be agreed\b"
    r"|(?:具体|详细)[^。；]{0,8}(?:以|由|按|见)[^。；]{0,16}(?:另行(?:约定|签订|协商)|工作说明书|工作订单|补充协议)"
)
MIN_CONTENT_WORDS = 5  # latin content words + CJK content characters / 2


# Words too vague to say what is transferred ("support to optimise the app's core algorithms").
_VAGUE_EN = {
    stem(w)
    for w in (
        "algorithm",
        "algorithms",
        "model",
        "models",
        "software",
        "service",
        "services",
        "support",
        "remote",
        "team",
        "teams",
        "optimise",
        "optimize",
        "optimisation",
        "optimization",
        "improve",
        "improvement",
        "upgrade",
        "app",
        "apps",
        "application",
        "applications",
        "market",
        "markets",
        "platform",
        "engineering",
        "engineer",
        "engineers",
    )
}


def _content_units(text: str) -> float:
    norm = normalised(text).text
    words = [
        w
        for w in norm.split()
        if w.isascii() and w.isalnum() and w not in _FILLER_EN and w not in _VAGUE_EN and not w.isdigit()
    ]
    cjk = "".join(c for c in norm if not c.isascii())
    for filler in _FILLER_ZH:
        cjk = cjk.replace(filler, "")
    return len(words) + len(cjk) / 2


def thin_description(tech: Technology) -> str | None:
    """Why a technology is described too thinly to clear it as free, or None."""
    desc = " ".join([tech.description or "", *tech.keywords])
    lowered = to_simplified(desc.lower())
    if _SEE_ATTACHMENT.search(lowered):
        return (
            "the description refers to an attachment exportcheck cannot read: put what is transferred in "
            "the description itself"
        )
    if _content_units(desc) < MIN_CONTENT_WORDS:
        return (
            "too little description to judge: say what the recipient receives (source code, designs, "
            "know-how, services) and what the technology does"
        )
    return None


# A sentence in which the deal says no technology passes: a negator, a kind of technical knowledge, and
# a verb of transfer ("No drawings, process flowsheets or metallurgical know-how are supplied"; 甲方不提供任何
# 工艺技术; 不包括亲本种子、不育系材料及任何制种技术). Words that open an exception keep the sentence from counting.
_SENTENCE = re.compile(r"[^.;。；!?！？\n]+")
_NO_EN = re.compile(r"\b(?:no|not|without|none of)\b")
# only the general kinds count: "no drawings are supplied" still leaves the know-how to pass
_TECH_OBJECT_EN = re.compile(
    r"\b(?:know-?how|technolog(?:y|ies)|technical (?:data|documentation|information)|source code"
    r"|(?:manufacturing|production|process) (?:process(?:es)?|know-?how|technology|documentation)"
    r"|design documents?|formulations?|recipes?|proprietary (?:process(?:es)?|methods?|technology)"
    r"|(?:controller |firmware |software )?source|algorithms)\b"
    r"|\bprocess(?:es)? (?:remain|stay|are not|is not|will not)"
)
_PASS_EN = re.compile(
    r"\b(?:supplied|supply|delivered|deliver|transferred|transfer|provided|provide|licensed|license|licence"
    r"|disclosed|disclose|included|include|access|gets?|receives?|received|shared?|revealed?|given|pass(?:es)?"
    r"|handed over|made available)\b"
)
_EXCEPTION_EN = re.compile(r"\b(?:except|other than|save|but|apart from|beyond|unless)\b")
# what an exception may let through besides the general kinds: any concrete technical deliverable
_EXCEPTED_TECH = re.compile(
    r"\b(?:process|processes|design|designs|drawings|model|models|weights|code|software|data|specifications?"
    r"|parameters|training|documentation|manuals?|methods?|formula|files?)\b"
)
_NO_TECH_ZH = re.compile(
    r"(?:不提供|不转让|不涉及|不包括|不包含|不含|不授权|不披露|不交付|并无|没有)[^。；，,]{0,30}任何[^。；，,]{0,24}"
    r"(?:技术|工艺|专有技术|技术诀窍|技术资料)"
    r"|(?:不提供|不转让|不授权|不披露|不交付|不传授|不涉及|不包括|不包含|不含)[^。；，,]{0,24}(?:技术资料|技术文件"
    r"|专有技术|技术诀窍|工艺技术|工艺资料|工艺文件|源代码|源码|设计资料|配方|工艺(?![^。；，,]{0,3}(?:品|美术))"
    r"|技术(?!支持|服务|人员|培训|指导|咨询))"
    r"|(?:技术|工艺)[^。；]{0,20}(?:不在本(?:合同|协议)(?:范围|之内))"
    # written after the thing: "处方配比、饮片炮制及提取工艺不对经销商或第三方披露"; "不获得…任何技术资料"
    r"|(?:技术|工艺|配方|处方|源代码|源码|诀窍|设计)[^。；，,]{0,4}(?:均|亦|也|一律)?不(?:予|对|向)?[^。；，,]{0,12}"
    r"(?:披露|提供|转让|许可|交付|公开)"
    r"|(?:不获得|无权获得|不得获得|无法获得|不会获得)[^。；，,]{0,30}(?:技术资料|技术|工艺|源代码|源码|软件|设计|方案)"
)
# an exception after the negation reopens it ("不提供任何技术，但…"); 仅 before it only stresses the goods
_EXCEPTION_ZH = re.compile(r"除外|除了|但|以外|除[^。；]{0,20}外")
# a verbless fragment: "no source, no design data"; "other than the eggs nothing passes – no parent stock,
# no breeding know-how"
_NO_FRAGMENT_EN = re.compile(r"^(?:no|without|none of|nor)\b")
# technical objects that stay where they are: "Models, weights and source code stay on our servers"
_STAYS_EN = re.compile(
    r"\b(?:stay|stays|remain|remains|are kept|is kept|reside|resides) (?:on|in|at|within|inside) (?:the )?"
    r"(?:our|licensor'?s?|seller'?s?|supplier'?s?|vendor'?s?|exporter'?s?|provider'?s?|china|chinese|prc"
    r"|mainland|domestic|headquarters)\b"
)
_DELIVERABLES = re.compile(
    r"\b(?:software|equipment|documents?|documentation|training|drawings|designs?|source|data|models?"
    r"|specifications?|manuals?|code|firmware|samples?|materials)\b"
)
_SOURCE_EN = re.compile(r"\b(?:source|design data|design files|model weights)\b")
_PARTS = re.compile(r"\s[–—-]\s|—|:")


def no_technology_statement(tech: Technology) -> str | None:
    """The sentence in which the deal says that no technical knowledge passes, or None."""
    text = to_simplified(tech.description or "")
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        low = sentence.lower()
        # a general kind of knowledge, or every channel it could pass by ("No software, equipment, documents
        # or training pass to the customer")
        general = _TECH_OBJECT_EN.search(low) or len(set(_DELIVERABLES.findall(low))) >= 3
        if general and _NO_EN.search(low) and _PASS_EN.search(low) and not _reopened(low):
            return sentence
        if (
            _STAYS_EN.search(low)
            and (_TECH_OBJECT_EN.search(low) or _SOURCE_EN.search(low))
            and not _reopened(low)
        ):
            return sentence
        zh = _NO_TECH_ZH.search(sentence)
        if zh:
            # the exception must reopen this clause: "…工艺，亦不提供任何处方组成以外的…" leaves the first intact
            stop = min(
                (i for i in (sentence.find(c, zh.end()) for c in "，,；;") if i >= 0), default=len(sentence)
            )
            if not _EXCEPTION_ZH.search(sentence, zh.start(), stop) and "除" not in sentence[: zh.start()]:
                return sentence
        for part in _PARTS.split(low):
            part = part.strip()
            if (
                _NO_FRAGMENT_EN.match(part)
                and (_TECH_OBJECT_EN.search(part) or _SOURCE_EN.search(part))
                and len(part.split()) <= 12
                and not _reopened(part)
            ):
                return part
    return None


def _reopened(low: str) -> bool:
    """An exception that lets technical knowledge through ("…, but the process recipe is explained"); one
    that excepts something else ("documentation beyond the public API reference") leaves the sentence."""
    for m in _EXCEPTION_EN.finditer(low):
        after = low[m.end() : m.end() + 80]
        if _TECH_OBJECT_EN.search(after) or _SOURCE_EN.search(after) or _EXCEPTED_TECH.search(after):
            return True
    return False


# A technology sold as goods: the deal sells, supplies or distributes products ("Sale and delivery of coated
# magnets", "import and resell finished drones", 整机销售) and says that no technical knowledge passes.
_GOODS_EN = re.compile(
    # products, or a service the exporter runs and the customer only uses (SaaS, a hosted API)
    r"\b(?:saas|iaas|paas|subscription|hosted|hosting|api access|cloud services?|managed services?"
    r"|pay-per-(?:use|call|pass|query|transaction)|per (?:call|pass|query)|operated service|as a service"
    r"|our own (?:stations?|servers?|plants?|facilities|infrastructure|data cent(?:re|er)s?))\b"
    r"|\b(?:sale|sales|sell|sells|selling|sold|resell|resells|resale|distribut(?:e|es|ing|ion|or|ors)"
    r"|supply|supplies of|delivery of|deliveries of|purchase orders?|lta|long-term (?:supply )?agreement"
    r"|finished(?:,? \w+)?(?:,? \w+)? (?:products?|goods|units?|\w+s)"
    r"|off-the-shelf|ready-made)\b"
)
_GOODS_ZH = re.compile(
    r"销售|供货|供应|经销|分销|代理|采购|成品|整机|购买|商品种子|订阅|云服务|托管|计费|服务费|代运营|运营服务"
)
# ... and nowhere says, without a negation, that a technical object passes ("licenses the process")
_POSITIVE_OBJECT_EN = re.compile(
    r"\b(?:know-?how|source code|technolog(?:y|ies)|technical documentation|process package"
    r"|(?:manufacturing|production) process(?:es)?|design documents?|formulations?|recipes?)\b"
)
_POSITIVE_PASS_EN = re.compile(
    r"\b(?:licen[cs]e[sd]?|licensing|transfer(?:s|red)?|disclose[sd]?|teach(?:es)?|taught|receives?|gets?"
    r"|suppl(?:y|ies|ied)"
    r"|provides?|provided|delivers?|delivered|hands? over)\b"
)
_POSITIVE_ZH = re.compile(
    r"(?:提供|转让|许可|传授|交付|披露)[^。；，,]{0,12}(?:技术|工艺|配方|源代码|诀窍|设计)"
)
_TURN = re.compile(r"\b(?:but|however|whereas|while|although|save that|except that)\b|但|然而|而是|不过")
_NEGATOR_ANY = re.compile(
    r"\b(?:no|not|never|without|none|excluding|except)\b"
    r"|不(?:提供|转让|许可|授权|披露|交付|包括|包含|含|涉及|传授)|没有|并无|未(?:提供|转让|披露|交付)|除[^。；]{0,20}外"
)  # the negators themselves: 无人机 and 不锈钢 hold no negation
TRANSFER_FORMS = {"know_how_transfer", "patent_assignment", "patent_application_assignment", "patent_licence"}


def goods_only(tech: Technology, forms: Collection[str], statement: str | None) -> str | None:
    """The no-technology sentence of a technology that is sold as goods, or None: no form of the deal
    transfers technology, the text sells or supplies products, says no technical knowledge passes
    (`statement`, from no_technology_statement), and no sentence says without a negation that know-how,
    source code or a process passes."""
    if not statement or TRANSFER_FORMS.intersection(forms):
        return None
    text = to_simplified(" ".join([tech.name, tech.description or ""]))
    framing = " ".join([text, *tech.keywords])
    if not (_GOODS_EN.search(framing.lower()) or _GOODS_ZH.search(framing)):
        return None
    for m in _SENTENCE.finditer(text):
        low = m.group().lower()
        # 、 joins the items of one (possibly negated) list, so it does not end a part; a part that continues
        # a list opened by a negator ("no process data, sintering parameters or alloy recipes are
        # disclosed") is negated with it, unless a turn ("but", 但) reopens it
        negated_list = False
        for part in re.split(r"[,，:：]", low):
            if _NEGATOR_ANY.search(part):
                negated_list = True
                continue
            if _TURN.search(part):
                negated_list = False
            if negated_list:
                continue
            if (_POSITIVE_OBJECT_EN.search(part) and _POSITIVE_PASS_EN.search(part)) or _POSITIVE_ZH.search(
                part
            ):
                return None
    return statement
