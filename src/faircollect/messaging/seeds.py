"""Seed templates (zh-CN, zh-TW, en): reminder, overdue, promise confirmation, visit notice, lawsuit notice.

Each names the lender, carries the verification code and says how to opt out; each passes the message linter.
The visit and lawsuit notices state facts that are lawful only when true: they are saved with that context and the
gate lints the real text against the real facts again at plan and send time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.messaging.models import MessageTemplate
from faircollect.messaging.templates import save_template


@dataclass(frozen=True, slots=True)
class Seed:
    key: str
    channel: str
    language: str
    body: str
    requires_visit_approved: bool = False
    requires_lawsuit_filed: bool = False


_CODE_CN = "核验码{{ verification_code }}（可致电官方客服核验本短信真伪）"
_CODE_TW = "核驗碼{{ verification_code }}（可致電官方客服核驗本簡訊真偽）"
_CODE_CN_EMAIL = "核验码{{ verification_code }}（可致电官方客服核验本邮件真伪）"
_CODE_TW_EMAIL = "核驗碼{{ verification_code }}（可致電官方客服核驗本郵件真偽）"
_CODE_EN = "Verification code {{ verification_code }} (check it with our official service line)."

SEEDS: tuple[Seed, ...] = (
    # --- reminder (before the due date) ---
    Seed(
        "reminder",
        "sms",
        "zh-CN",
        "【{{ lender_name }}】{{ borrower_name }}您好，您的借款{{ loan_ref }}本期应还{{ amount_due }}元，"
        "还款日{{ due_date }}。如已还款请忽略。客服{{ service_phone }}。" + _CODE_CN + "回T退订",
    ),
    Seed(
        "reminder",
        "sms",
        "zh-TW",
        "【{{ lender_name }}】{{ borrower_name }}您好，您的借款{{ loan_ref }}本期應還{{ amount_due }}元，"
        "還款日{{ due_date }}。如已還款請忽略。客服{{ service_phone }}。" + _CODE_TW + "回覆T退訂",
    ),
    Seed(
        "reminder",
        "sms",
        "en",
        "{{ lender_name }}: Hello {{ borrower_name }}, your payment of {{ amount_due }} {{ currency }} on loan "
        "{{ loan_ref }} is due on {{ due_date }}. If you have already paid, please ignore this message. "
        "Questions: {{ service_phone }}. " + _CODE_EN + " Reply STOP to opt out.",
    ),
    # --- overdue ---
    Seed(
        "overdue",
        "sms",
        "zh-CN",
        "【{{ lender_name }}】{{ borrower_name }}您好，您的借款{{ loan_ref }}已逾期{{ days_past_due }}天，"
        "应还{{ amount_due }}元。请尽快还款；如有困难，可联系客服{{ service_phone }}协商延期或分期。"
        + _CODE_CN
        + "回T退订",
    ),
    Seed(
        "overdue",
        "sms",
        "zh-TW",
        "【{{ lender_name }}】{{ borrower_name }}您好，您的借款{{ loan_ref }}已逾期{{ days_past_due }}天，"
        "應還{{ amount_due }}元。請儘快還款；如有困難，可聯繫客服{{ service_phone }}協商延期或分期。"
        + _CODE_TW
        + "回覆T退訂",
    ),
    Seed(
        "overdue",
        "sms",
        "en",
        "{{ lender_name }}: Hello {{ borrower_name }}, your loan {{ loan_ref }} is {{ days_past_due }} days "
        "overdue; the amount due is {{ amount_due }} {{ currency }}. If you are having difficulty paying, call "
        "{{ service_phone }} to discuss a payment plan. " + _CODE_EN + " Reply STOP to opt out.",
    ),
    # --- promise to pay confirmation ---
    Seed(
        "promise_confirmation",
        "sms",
        "zh-CN",
        "【{{ lender_name }}】{{ borrower_name }}您好，已记录您承诺于{{ promise_date }}前还款{{ promise_amount }}元"
        "（借款{{ loan_ref }}），谢谢。如有疑问请联系{{ service_phone }}。" + _CODE_CN + "回T退订",
    ),
    Seed(
        "promise_confirmation",
        "sms",
        "zh-TW",
        "【{{ lender_name }}】{{ borrower_name }}您好，已記錄您承諾於{{ promise_date }}前還款{{ promise_amount }}元"
        "（借款{{ loan_ref }}），謝謝。如有疑問請聯繫{{ service_phone }}。" + _CODE_TW + "回覆T退訂",
    ),
    Seed(
        "promise_confirmation",
        "sms",
        "en",
        "{{ lender_name }}: Thank you, {{ borrower_name }}. We have recorded your promise to pay "
        "{{ promise_amount }} {{ currency }} on loan {{ loan_ref }} by {{ promise_date }}. Questions: "
        "{{ service_phone }}. " + _CODE_EN + " Reply STOP to opt out.",
    ),
    # --- visit notice: only when a visit was approved and scheduled ---
    Seed(
        "visit_notice",
        "sms",
        "zh-CN",
        "【{{ lender_name }}】{{ borrower_name }}您好，按已审批的安排，我司两名工作人员将于{{ visit_date }} "
        "{{ visit_window }}上门拜访，沟通借款{{ loan_ref }}的还款事宜，届时出示工作证件。如需改期请联系"
        "{{ service_phone }}。" + _CODE_CN + "回T退订",
        requires_visit_approved=True,
    ),
    Seed(
        "visit_notice",
        "sms",
        "zh-TW",
        "【{{ lender_name }}】{{ borrower_name }}您好，按已審批的安排，本公司兩名工作人員將於{{ visit_date }} "
        "{{ visit_window }}上門拜訪，溝通借款{{ loan_ref }}的還款事宜，屆時出示工作證件。如需改期請聯繫"
        "{{ service_phone }}。" + _CODE_TW + "回覆T退訂",
        requires_visit_approved=True,
    ),
    Seed(
        "visit_notice",
        "sms",
        "en",
        "{{ lender_name }}: Hello {{ borrower_name }}, as arranged, two of our staff will visit you on "
        "{{ visit_date }} between {{ visit_window }} to discuss loan {{ loan_ref }}; they will show their staff "
        "ID. To reschedule call {{ service_phone }}. " + _CODE_EN + " Reply STOP to opt out.",
        requires_visit_approved=True,
    ),
    # --- lawsuit notice: only when a lawsuit really was filed ---
    Seed(
        "lawsuit_notice",
        "sms",
        "zh-CN",
        "【{{ lender_name }}】{{ borrower_name }}您好，我司已就借款{{ loan_ref }}向{{ court_name }}提起民事诉讼，"
        "案号{{ case_number }}，请以法院送达的文书为准。如希望协商还款，请联系{{ service_phone }}。"
        + _CODE_CN
        + "回T退订",
        requires_lawsuit_filed=True,
    ),
    Seed(
        "lawsuit_notice",
        "sms",
        "zh-TW",
        "【{{ lender_name }}】{{ borrower_name }}您好，本公司已就借款{{ loan_ref }}向{{ court_name }}提起民事訴訟，"
        "案號{{ case_number }}，請以法院送達的文書為準。如希望協商還款，請聯繫{{ service_phone }}。"
        + _CODE_TW
        + "回覆T退訂",
        requires_lawsuit_filed=True,
    ),
    Seed(
        "lawsuit_notice",
        "sms",
        "en",
        "{{ lender_name }}: Hello {{ borrower_name }}, we have filed a civil claim about loan {{ loan_ref }} at "
        "{{ court_name }}, case number {{ case_number }}; the court's own papers are authoritative. To discuss "
        "repayment call {{ service_phone }}. " + _CODE_EN + " Reply STOP to opt out.",
        requires_lawsuit_filed=True,
    ),
    # --- e-mail (first line is the subject) ---
    Seed(
        "overdue",
        "email",
        "zh-CN",
        "Subject: {{ lender_name }} 还款提醒（借款{{ loan_ref }}）\n"
        "{{ borrower_name }}您好：\n\n您的借款{{ loan_ref }}已逾期{{ days_past_due }}天，应还{{ amount_due }}元。"
        "如有困难，可联系客服{{ service_phone }}协商延期或分期。\n\n{{ lender_name }}\n"
        + _CODE_CN_EMAIL
        + "\n"
        "如不希望再收到此类邮件，请回复“退订”。",
    ),
    Seed(
        "overdue",
        "email",
        "zh-TW",
        "Subject: {{ lender_name }} 還款提醒（借款{{ loan_ref }}）\n"
        "{{ borrower_name }}您好：\n\n您的借款{{ loan_ref }}已逾期{{ days_past_due }}天，應還{{ amount_due }}元。"
        "如有困難，可聯繫客服{{ service_phone }}協商延期或分期。\n\n{{ lender_name }}\n"
        + _CODE_TW_EMAIL
        + "\n"
        "如不希望再收到此類郵件，請回覆「退訂」。",
    ),
    Seed(
        "overdue",
        "email",
        "en",
        "Subject: {{ lender_name }}: payment reminder for loan {{ loan_ref }}\n"
        "Hello {{ borrower_name }},\n\nYour loan {{ loan_ref }} is {{ days_past_due }} days overdue; the amount "
        "due is {{ amount_due }} {{ currency }}. If you are having difficulty paying, call {{ service_phone }} to "
        "discuss a payment plan.\n\n{{ lender_name }}\n" + _CODE_EN + "\n"
        "Reply UNSUBSCRIBE to stop these e-mails.",
    ),
)


def seed_templates(session: Session, *, actor: str = "system:seed", jurisdiction: str = "CN") -> list[str]:
    """Save every seed template that is not there yet (linted like any other); return the ids saved."""
    have = {
        (k, c, lang)
        for k, c, lang in session.execute(
            select(MessageTemplate.key, MessageTemplate.channel, MessageTemplate.language)
        ).all()
    }
    saved = []
    for s in SEEDS:
        if (s.key, s.channel, s.language) in have:
            continue
        tpl = save_template(
            session,
            key=s.key,
            channel=s.channel,
            language=s.language,
            body=s.body,
            created_by=actor,
            requires_visit_approved=s.requires_visit_approved,
            requires_lawsuit_filed=s.requires_lawsuit_filed,
            jurisdiction=jurisdiction,
        )
        saved.append(tpl.id)
    return saved
