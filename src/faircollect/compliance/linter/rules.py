"""Which rulebook rule each category breaks, per jurisdiction, and what to tell the writer (en and zh).

The category → rule map is the rulebook data itself (``linter_categories`` of each rule in
``compliance/rulebooks/*.yaml``), so the linter's finding and the gate's denial name the same rule. Quality warnings (missing_*) name the nearest rule; where a
jurisdiction has no such duty for a channel the warning is not raised (see ``engine._warnings``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

from faircollect.compliance.contact import RecipientRole
from faircollect.compliance.linter.types import CATEGORIES
from faircollect.kit.errors import ValidationError

if TYPE_CHECKING:
    from faircollect.compliance.rulebook import Rulebook

JURISDICTIONS: tuple[str, ...] = ("CN", "US", "UK")


@lru_cache(maxsize=len(JURISDICTIONS))
def category_rules(jurisdiction: str) -> dict[str, str]:
    """The one category → rule map: each rule's ``linter_categories`` in ``compliance/rulebooks/<j>.yaml``."""
    from faircollect.compliance.rulebook import load_rulebook

    mapping = {cat: r.id for r in load_rulebook(jurisdiction).rules for cat in r.linter_categories}
    missing = [c for c in CATEGORIES if c not in mapping]
    if missing:
        raise RuntimeError(f"rulebook {jurisdiction} maps no rule to linter categories {missing}")
    return mapping


@lru_cache(maxsize=len(JURISDICTIONS))
def obligor_roles(jurisdiction: str) -> frozenset[RecipientRole]:
    """Who owes the debt under the jurisdiction's own rulebook, with no lender's overrides (``obligor_roles_of``)."""
    from faircollect.compliance.rulebook import load_rulebook

    return obligor_roles_of(load_rulebook(jurisdiction))


def obligor_roles_of(rulebook: Rulebook) -> frozenset[RecipientRole]:
    """Who owes the debt and may be collected from: the roles of the rulebook's enabled ``recipients`` rules
    (CN-WHO-ALLOWED, US-3P, UK-3P-DISCLOSURE; where there are several, the roles every one of them allows), as the
    lender's overrides left them — a lender that narrowed CN-WHO-ALLOWED to the borrower makes a guarantor a third
    party for the linter too. Cached on the rulebook (``Rulebook._cache``), which overrides replace, not mutate."""
    cached = rulebook._cache.get("obligor_roles")
    if cached is not None:
        return cast("frozenset[RecipientRole]", cached)
    allowed = [
        frozenset(RecipientRole(r) for r in rule.params["roles"])
        for rule in rulebook.rules
        if rule.kind == "recipients" and rule.enabled
    ]
    if not allowed:
        raise RuntimeError(
            f"rulebook {rulebook.jurisdiction} has no recipients rule: who owes the debt is not known"
        )
    roles = frozenset.intersection(*allowed)
    rulebook._cache["obligor_roles"] = roles
    return roles


EXPLANATIONS: dict[str, tuple[str, str]] = {
    "violence_threat": (
        "Threat of violence or harm to the person, their home or property.",
        "以暴力或伤害本人、住所、财产相威胁。",
    ),
    "intimidation": (
        "Intimidation or harassment: menacing language, 'we know where you live', call bombing.",
        "恐吓、骚扰：威胁性语言、“知道你住哪”、电话短信轰炸。",
    ),
    "insult": ("Insult or abusive language towards the debtor.", "侮辱、辱骂债务人。"),
    "false_legal_claim": (
        "False or exaggerated legal consequence (arrest, criminal case, summons deadline, blacklist); a debt default "
        "is a civil matter, and a lawsuit may only be mentioned when it really was filed.",
        "虚构或夸大法律后果（拘留、刑事、传票、黑名单）；欠款属民事纠纷，只有真实起诉后才可如实告知。",
    ),
    "impersonation": (
        "Impersonation of police, courts, government offices or lawyers, or a document made to look official.",
        "冒用公安、法院、政府机关或律师名义，或伪造官方文书。",
    ),
    "visit_threat": (
        "Threat of a home, hometown, village-committee or workplace visit that has not been approved.",
        "以未经批准的上门、走访户籍地、村委会或单位相威胁。",
    ),
    "third_party_disclosure": (
        "Discloses, or threatens to disclose, the debt to family, friends or other third parties.",
        "向家人、朋友等第三方透露或威胁透露债务信息。",
    ),
    "contact_list_threat": (
        "Uses or threatens to use the borrower's phone contacts (爆通讯录); there is no lawful basis.",
        "使用或威胁使用借款人通讯录（爆通讯录），无合法依据。",
    ),
    "workplace_threat": (
        "Threatens to contact or pressure the employer, boss or colleagues.",
        "威胁联系或向单位、领导、同事施压。",
    ),
    "public_shaming": (
        "Public shaming: exposure online or in groups, posters, banners, 'deadbeat' lists.",
        "公开羞辱：网络或群内曝光、张贴、拉横幅、老赖名单。",
    ),
    "family_threat": (
        "Threat involving family or children (schooling, safety, careers).",
        "以家人、子女（上学、安全、前途）相威胁。",
    ),
    "induce_borrowing": (
        "Pushes the debtor to borrow elsewhere or sell essential assets to pay.",
        "诱导债务人借新还旧、借高利贷或变卖必要资产还款。",
    ),
    "deceptive": (
        "Deceptive content: invented fees, inflated amounts, payment to a personal account.",
        "欺诈性内容：虚构费用、夸大金额、要求转入个人账户。",
    ),
    "missing_identity": (
        "The message does not say who is writing (lender or agency name).",
        "消息未表明机构身份（贷款机构或受托机构名称）。",
    ),
    "missing_opt_out": (
        "An SMS/electronic message should say how to opt out (e.g. 回T退订 / Reply STOP).",
        "短信/电子消息应提供退订方式（如“回T退订”）。",
    ),
    "missing_amount": (
        "A payment reminder should state the amount due, so the borrower can check it.",
        "还款提醒应写明应还金额，便于借款人核对。",
    ),
}

THIRD_PARTY_RECIPIENT = (
    "The recipient is a third party: the message must not mention the debt, the amount or the overdue status.",
    "收件人为第三方：不得提及债务、金额或逾期情况。",
)


def check_jurisdiction(jurisdiction: str) -> str:
    """Upper-case and validate a jurisdiction code."""
    code = (jurisdiction or "").upper()
    if code not in JURISDICTIONS:
        raise ValidationError(
            f"unknown jurisdiction {jurisdiction!r}; expected one of {', '.join(JURISDICTIONS)}",
            field="jurisdiction",
        )
    return code


def rule_for(category: str, jurisdiction: str) -> str:
    return category_rules(jurisdiction)[category]


#: A message to a third party that mentions the debt (CN-3P-LOST-CONTACT-ONLY: "严禁透露具体债务信息").
RECIPIENT_RULES: dict[str, str] = {
    "CN": "CN-3P-LOST-CONTACT-ONLY",
    "US": "US-LOCATION-3P",
    "UK": "UK-3P-DISCLOSURE",
}
