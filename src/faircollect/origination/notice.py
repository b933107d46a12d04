"""The adverse-action notice (拒绝/转人工通知): the decision and its principal reasons, in Chinese and English.

Wording follows the model forms of Regulation B (12 CFR 1002, appendix C: "statement of specific reasons") and
PIPL art. 24 (the right to an explanation of a decision made by automated means, and to refuse it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Notice:
    application_id: str
    outcome: str
    reasons: tuple[dict[str, Any], ...]
    text_zh: str
    text_en: str
    sms_zh: str
    sms_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "sms_zh": self.sms_zh,
            "sms_en": self.sms_en,
        }


def render_notice(
    *,
    name: str,
    application_id: str,
    received: date,
    outcome: str,
    amount: str,
    currency: str,
    reasons: list[dict[str, Any]],
    score: int | None,
    lender: str,
) -> Notice:
    declined = outcome == "decline"
    zh_head = "很遗憾，我们暂时无法批准" if declined else "您的申请需要人工复核，暂未自动批准："
    en_head = "We are unable to approve" if declined else "Your application needs review by an underwriter:"
    lines_zh = [f"{i}. {r['text_zh']}" for i, r in enumerate((r for r in reasons), 1)]
    lines_en = [f"{i}. {r['text_en']}" for i, r in enumerate((r for r in reasons), 1)]
    text_zh = "\n".join(
        [
            f"{name}您好：",
            f"{zh_head}您于{received.isoformat()}提交的借款申请（编号 {application_id}，金额 {amount} {currency}）。",
            "主要原因（按影响大小排列）：",
            *lines_zh,
            f"该决定由自动化评分作出（评分 {score}）。根据《个人信息保护法》第二十四条，您有权要求我们说明，"
            "并拒绝仅通过自动化决策的方式作出决定；如需人工复核，请通过官方渠道联系我们。",
            f"—— {lender}",
        ]
    )
    text_en = "\n".join(
        [
            f"Dear {name},",
            f"{en_head} your application {application_id} of {received.isoformat()} for {amount} {currency}."
            if declined
            else f"{en_head} application {application_id} of {received.isoformat()} for {amount} {currency}.",
            "Principal reasons, most important first:",
            *lines_en,
            f"This decision was made by automated scoring (score {score}). You may ask us to explain it and to have "
            "it reviewed by a person, through our official channels. The federal Equal Credit Opportunity Act "
            "prohibits creditors from discriminating against credit applicants on the basis of race, color, "
            "religion, national origin, sex, marital status or age.",
            f"— {lender}",
        ]
    )
    first = reasons[0] if reasons else None
    sms_zh = f"【{lender}】您的借款申请{application_id[-6:]}{'未获批准' if declined else '转人工复核'}" + (
        f"，主要原因：{first['text_zh']}等。详情请登录官方App查看。" if first else "。"
    )
    sms_en = (
        f"[{lender}] Application {application_id[-6:]} {'not approved' if declined else 'under review'}"
        + (f"; main reason: {first['text_en']}. Details in our official app." if first else ".")
    )
    return Notice(application_id, outcome, tuple(reasons), text_zh, text_en, sms_zh, sms_en)
