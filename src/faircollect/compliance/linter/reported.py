"""Threats reported, not made: warnings to the public that quote what scammers and abusive collectors say.

A police notice ("凡是通过网站出示的通缉令、拘捕令，都是诈骗！"), a sheriff's scam alert ("The scammer says there is a
warrant out for your arrest") or a lender's own warning ("Beware of callers who say the sheriff is on the way")
holds the very words the rules look for. What makes them lawful is the frame around those words, in the same
sentence:

* **someone else says it** — the words follow a reporting verb whose subject is a scammer, a caller, an impostor or
  "someone who …" (``scammers may claim``, ``callers who say``, ``they threaten you with``; 骗子称, 不法分子以…为由,
  冒充…的人说);
* **a warning heads the sentence** — "beware", "scam alert", "be wary of" (谨防, 警惕, 提防, 小心…骗);
* **a verdict closes it** — "… is a scam", "… are scams" (…都是诈骗, …均为骗局, …这些都是骗子) after the words;
* **an institution denies making such contact** — "the sheriff's office does not call citizens demanding …",
  "no law enforcement agency will call to …" (the contact is what is denied, so the whole sentence is in its scope,
  up to a new clause with its own subject).

A frame only covers the sentence it is in, and the reporting subject is never "I", "we" or "our …": "Our agent says
the sheriff is on his way" stays a threat. A verdict must follow the words and be a verdict about them (都是/均为/
这些是 诈骗), so "你的行为属于诈骗，警方会拘留你" (a collector recasting the debt as a crime) stays a threat.
An insult is covered only where the insulting word is the verdict itself (…的，都是骗子): "你这种老赖都是骗子" still
insults the borrower.

**Only words that are provably someone else's** (2026-12-04: as first written the frames failed open — a collector
could wrap their own threat in one, "Beware, we will come to your workplace tomorrow", "不还钱就上门，都是诈骗", and
the linter only warned):

1. no frame covers a sentence in which the sender acts — "we", "us", "our", "I", "me", "my" (also disguised with a
   zero-width space or a homoglyph), 我/我们/我司/我方/我行/本公司/本平台/本行/咱们 (not 自我 "self" nor 我国) — or
   demands payment ("if you don't pay", "unless you pay", "pay now/today/immediately", "or else"; 不还, 再不, 否则,
   立即还, 马上还 …). The sender announcing the warning ("We remind customers: …", "我们提醒您：…"), the place to
   report after it ("… report it to us", "…请向我司投诉") and the sender's own denial of contact ("Our company does
   not call customers threatening jail", up to a clause break) do not count; a condition inside a named scammer's
   report, in its clause ("Scammers may claim you will be arrested if you do not pay"), is the scammer's;
2. a warning heading the sentence (beware, scam alert, 谨防, 警惕, 提防 …) covers only words introduced by a named
   scam or impostor in their clause ("Beware of callers who say …", 谨防有人冒充…称…); "Beware, someone will visit
   your family tonight" and "Beware of scammers: deputies will arrest you at work" block. A neutral reporter
   ("callers say", "they threaten", 对方称) needs a scammer named before it;
3. a verdict after the words (…都是诈骗, "… is a scam") covers only words introduced as someone else's or as a kind
   of message (凡是…, 如有人…, "If someone says …", "Anyone who says …") and not the sender's by rule 1.

The check runs only on the rule findings of a text that holds one of the frame words at all (one search each over
the compact and the word views), so lawful traffic and most abusive messages never pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from faircollect.compliance.linter.normalise import Normalised, normalise
from faircollect.compliance.linter.patterns import CN_FALSE_NEGATORS
from faircollect.compliance.linter.triggers import skip_ahead_form


class _Span(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


# categories a frame can cover: what a scam warning quotes (claims of law, of authority, of fees, threats of harm
# or exposure). Insults only where the insult is the verdict word itself (see above).
_COVERED = frozenset(
    {
        "false_legal_claim",
        "impersonation",
        "deceptive",
        "intimidation",
        "violence_threat",
        "visit_threat",
        "public_shaming",
        "workplace_threat",
        "family_threat",
        "contact_list_threat",
        "third_party_disclosure",
    }
)

# ------------------------------------------------------------------------------------------------ English (word view)
_EN_AGENT = (
    r"(?:scammers?|fraudsters?|con ?artists?|crooks?|criminals|thieves|impostors?|imposters?|spoofers?|"
    r"(?:fake|bogus|phony|phoney|fraudulent) (?:callers?|collectors?|agents?|officers?|deputies|debt collectors?)|"
    r"(?:the |a |any |these |such )?callers?|(?:some|any)one (?:who|claiming|pretending|posing|saying)|"
    r"(?:people|persons?|anybody|somebody) (?:who|claiming|pretending|posing))"
)
_EN_REPORT = (
    r"(?:may |might |will |often |can |could |usually |sometimes |then |also |even |typically |frequently )*"
    r"(?:says?|said|claims?|claimed|claiming|tells? you|told you|threatens?|threatened|threatening|insists?|"
    r"pretends?|pretending|warns? you|demands?|demanding|posing as|poses as)\b"
)
#: someone else's words: an agent that is not "our …"/"my …" (checked after the match) with a reporting verb,
#: a warning word, or an institution denying such contact, anywhere before the finding. One ``\b(?:…)`` so that
#: ``skip_ahead_form`` can let the engine skip to the first characters.
_EN_BEFORE_SRC = (
    r"\b(?:"
    rf"{_EN_AGENT} {_EN_REPORT}"
    # an impostor described, then the report, not as the sentence's subject: "(contacted) by someone claiming to be a
    # sheriff who says you will be arrested" ("Someone claiming … who says … is on his way to you" stays a threat)
    r"|(?:by|of|from|if|when|on|ignore|hang up on) (?:someone|somebody|anyone|anybody|a caller|callers?|people|a person) "
    r"(?:claiming|pretending|posing) "
    rf"(?:to be |as )(?:\w+ ){{0,4}}?(?:who|that) {_EN_REPORT}"
    r"|they (?:may |might |will |often |can |could |usually |sometimes |also |even )*(?:threaten|claim|pretend|pose|demand)"
    # advice not to act on their words: "Don't pay right now because they mention police, arrest, jail …"
    r"|because (?:they|the caller|callers?|someone|somebody|scammers?|fraudsters?) (?:mention|mentions|say|says|claim|"
    r"claims|threaten|threatens|talk about|talks about|bring up|brings up|use|uses)"
    r"|(?:if|when) (?:they|the caller|a caller|callers|someone|somebody|anyone) (?:mention|mentions|talk about|"
    r"talks about|bring up|brings up)"
    r"|(?:beware|be wary|be careful|watch out|scam alert|fraud alert|scam warning|warning signs?|red flags?|"
    r"common scams?|phone scams?|(?:the |this |a )?scam (?:works|involves|goes))\b"
    # an institution denies making such contact: the rest of the sentence is what it does not do
    r"|(?:does|do|will|would|shall|did) not (?:ever )?(?:call|text|e ?mail|contact|phone|ask|demand|threaten)\b"
    r"|(?:doesn t|don t|won t|never) (?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|demand|demands|"
    r"threaten|threatens)\b"
    r"|no (?:\w+ ){0,2}(?:agency|office|department|court|officer|official|government|organi[sz]ation) (?:will|would|"
    r"does|can) (?:ever )?(?:call|text|e ?mail|contact|ask|demand|threaten)\b"
    r")"
)
_EN_THEY_THREATEN = re.compile(r"they (?:\w+ )*threaten")
#: a finite verb, not a possessive "s" ("your driver's licence")
_EN_VERB = re.compile(
    r"\b(?:will|shall|would|is|are|was|were|am|going|gonna|can|could|must|has|have|had|do|does|did|may|might)\b"
    r"|\b(?:you|he|she|it|they|we|i|that|there) (?:re|s|ll|m|d|ve)\b"
)
_EN_BECAUSE = re.compile(r"\b(?:because|since|so|as)\b")
_EN_MENTION = re.compile(r"\b(?:mentions?|talks? about|brings? up)\b")
#: a verdict after the words: "… is a scam" (not after "not"/"no", checked after the match)
_EN_AFTER_SRC = (
    r"\b(?:is|are|it s|that s|this is|these are|they are|they re) (?:a |an |always a |all )?"
    r"(?:scams?|frauds?|hoax(?:es)?|scammers?|fraudsters?|impostors?|imposters?|fakes?|"
    # … or a verdict of law, as debt-advice pages give it ("If a collector threatens you with arrest, that is
    # illegal"): the words must still be introduced as someone else's (rule 3)
    # (not "an offence": "non-payment is a criminal offence" is what collectors say)
    r"illegal|unlawful|against the law|not allowed|harassment)\b"
    r"|\b(?:is|are|s|re) (?:all )?(?:breaking|violating|in breach of|against) (?:the |a )?(?:\w+ ){0,5}?(?:law|laws|act|"
    r"fdcpa|rules?|regulations?)\b"
    # … or a verdict of truth ("If the police say they will arrest you, that is not true"): the words must still be
    # introduced as someone else's, by name or as a kind (rule 3, ``_EN_GENERIC``)
    r"|\b(?:is|are|it s|that s|this is|these are|they are|they re|he is|she is|he s|she s) (?:simply |just |all )?"
    r"(?:not true|untrue|false|a lie|lies|lying|bluffing|a bluff)\b"
)
_EN_BEFORE = skip_ahead_form(re.compile(_EN_BEFORE_SRC)) or re.compile(_EN_BEFORE_SRC)
_EN_AFTER = skip_ahead_form(re.compile(_EN_AFTER_SRC)) or re.compile(_EN_AFTER_SRC)
_FIRST_PERSON_BEFORE = ("our ", "my ")
_NEGATED_BEFORE = ("not ", "no ")
#: a new clause with its own subject ends a denial's scope ("we won't call again, the sheriff will come")
_EN_NEW_SUBJECT = re.compile(
    r", ?(?:and |but |so |then |next |instead )?(?:we|i|our|the|a|they|he|she|you|someone|police|sheriff|officers?)\b"
)
_EN_DENIAL = re.compile(r"\b(?:not|doesn t|don t|won t|never|no)\b")
#: the words are the subject of a denial of contact ("the sheriff's office does not call citizens demanding …")
_EN_SUBJECT_DENIES = re.compile(
    r"^\W*(?:\w+ ){0,2}?(?:(?:does|do|will|would|did) not (?:ever )?|doesn t |don t |won t |never |will never )"
    r"(?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|demand|demands|threaten|threatens)\b"
)

# ------------------------------------------------------------------------------------------------ Chinese (compact)
_CN_BEFORE = re.compile(
    r"(?:骗子|诈骗分子|不法分子|犯罪分子|嫌疑人|骗局|冒充者|冒充|假冒|对方)(?:会|常|常常|往往|通常|一般|就|便|还|则|也|多|都)?"
    r"(?:称|说|声称|谎称|自称|以|威胁|恐吓|要求|告知|冒充|假扮|伪造|编造|通过|利用"
    r"|们?的(?:话术|手段|套路|伎俩|骗术)(?:往往|通常|一般|常常|多|常)?(?:是|为|包括|有))"
    r"|(?:冒充|假冒|自称|谎称)(?<![是不]..)(?!的)|(?:如|若|如果|一旦|凡)(?:有人|遇到|遇|接到|收到|是)"
    # a collector's threat as debt-advice pages report it: 如果催收人员威胁要去你单位，你可以录音…报警
    r"|(?:如|若|如果|一旦|假如|要是)(?:催收人员|催收员|催收方|催收公司|催收|对方|他们|有人)(?:威胁|恐吓|扬言|声称)"
    # … or a collector's act, with advice after it in the sentence (``_CN_ADVICE``): 如果催收人员频繁给你的亲友打电话，
    # 你可以向银保监部门举报
    r"|(?:(?:如|若|如果|一旦|假如|要是)(?:遇到|碰到|遭遇|遇)?|遇到|碰到|遭遇)(?:催收人员|催收员|催收方|催收公司)"
    r"|谨防|警惕|提防|小心(?:被)?骗|防骗|反诈|警方提[示醒]|郑重提醒|温馨提示.{0,6}(?:诈骗|骗)"
    # a collector's stock phrases listed (催收人员常用的话术有“再不还就上门”…): with advice or a verdict after them
    # (``_CN_COLLECTOR_TACTICS``)
    r"|(?:催收人员|催收员|催收方|催收公司|催收机构|催收)(?:常|常常|往往|通常|一般|多|经常)?(?:用|使用)?的?"
    r"(?:话术|手段|套路|伎俩)(?:有|包括|是|为|如|一般是|通常是)"
)
_CN_AFTER = re.compile(
    r"(?:都|均|全|皆|一律|一定|肯定|统统)(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|虚假|冒充|电信诈骗|违规|违法|非法|暴力催收)"
    r"|(?:这|这些|此类|这类|以上|上述)(?:都|均)?(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|冒充|违规|违法|非法|暴力催收)"
    # 2026-12-05 (linzh): a collector's bluff or ploy, as advice pages call it (催收说要抓你都是吓唬人的; 其实这多半是催收
    # 的套路)
    r"|(?:都|均|全|统统|多半|大多|往往|其实|只)(?:是|为)(?:在)?(?:吓唬人|吓唬你|吓唬您|吓人|唬人|虚张声势|恐吓)"
    r"|(?:这|这些|此类|这类|以上|上述)(?:多半|大多|大都|往往|通常|基本上?|其实)?(?:都|均)?(?:是|为|属于?)"
    r"(?:催收(?:人员|公司|方)?的?)?(?:套路|话术|吓唬人|恐吓|虚张声势)"
    # … and a rumour denied (网传“逾期会影响子女政审”的说法没有依据; …纯属谣言)
    # (not denied in turn: 这可不是谣言, 并非没有依据)
    r"|(?:的)?(?:说法|传言|传闻|言论)(?:并|是)?(?<![不非])(?:没有|毫无|并无|缺乏)(?:任何)?(?:法律)?(?:依据|根据)"
    r"|(?<![不非没])(?:是|属于|纯属|均为|都是)(?:谣言|不实信息|不实传言)"
)
_CN_VERDICT_WORDS = ("骗子", "诈骗", "骗局")
#: a verdict word said of the reader or the reader's people (the insult's subject is 你/您): 你全家都是骗子
_CN_SAID_OF_READER = re.compile(
    r"(?:你|您)(?:们|的)?(?:全家人?|一家人?|家人|家里人|爸妈|父母|老婆|老公|这种人|这些人|这帮人|这号人|这样的人|这家人)?"
    r"(?:都|全|也|就|统统|全都|根本)?(?:是|就是)?(?:个|一个|一群|一帮)?(?:骗子|诈骗犯|大骗子)$"
)

_EN_SUBJECT_SRC = _EN_SUBJECT_DENIES.pattern.replace("^\\W*(?:\\w+ ){0,2}?", "\\b", 1)
_EN_SUBJECT_ANYWHERE = skip_ahead_form(re.compile(_EN_SUBJECT_SRC)) or re.compile(_EN_SUBJECT_SRC)
#: one search says whether a frame is possible at all
_CN_ANY = re.compile(
    r"骗|冒充|假冒|自称|谎称|不法分子|犯罪分子|嫌疑人|对方|谨防|警惕|提防|反诈|警方提|郑重提醒|有人|遇|接到|收到|凡是|违规|违法|非法|"
    r"威胁|恐吓|扬言|声称|如果催收|如催收|若催收|一旦催收|假如催收|要是催收|遇到催收"
    r"|吓唬|吓人|唬人|虚张声势|套路|话术|碰到催收|遭遇催收|催收说|催收员说|催收人员说|谣言"
    r"|有依据|无依据|乏依据|何依据|律依据|有根据|无根据|乏根据|何根据"
)
#: an institution stating its own lawful procedure, in general (2026-12-04, lin-zh): "公安机关在实施逮捕时，必须当面出示
#: 逮捕证！", "人民法院的传票一律通过…送达" — a police warning's second sentence. The sentence starts with the institution
#: (a generic name, not "your case's judge"), holds a normative word (必须, 应当, 一律 …) and a procedural act
#: (出示, 送达, 当面 …), and nobody acts on the reader in it: no 你/您, no sender, no time or demand (``_cn_procedure``)
_CN_PROCEDURE = re.compile(
    r"^(?:真正的|正规的?|合法的|依法)?(?:公安机关|司法机关|执法机关|执法部门|行政机关|公检法(?:机关)?|人民法院|法院|检察院|检察机关|"
    r"警方|警察|民警|公安民警|执法人员|司法人员|办案人员|法官|检察官)"
    r"[^你您我咱]{0,16}?(?:必须|应当|应该|均须|须|都会|都要|一律|只会|只能|依法)(?:依法)?(?:当面|出示|送达|持有?|制作|告知|履行|"
    r"通过|凭|使用|出具|办理|由)"
)
#: … anywhere in a text: one search says whether a finding's sentence can be such a statement at all
_CN_PROCEDURE_ANY = re.compile(_CN_PROCEDURE.pattern[1:].replace("(?:真正的|正规的?|合法的|依法)?", "", 1))
_CN_PROCEDURE_COVERS = frozenset({"false_legal_claim", "impersonation"})


def _cn_procedure(sentence: str) -> bool:
    """``sentence`` (original text) is an institution's general statement of its own procedure (``_CN_PROCEDURE``)."""
    compact = _SENTENCE_STRIP.sub("", normalise(sentence).compact.text)
    return bool(
        _CN_PROCEDURE.match(compact)
        and not _CN_YOU_OR_WE_OR_WHEN.search(compact)
        and not _CN_CONDITION.search(compact)
        and not _cn_first_person(compact)
    )


# issue 11, seventh session (lin-zh): three shapes of Chinese text *about* collection, written from the lawful items
# of the real train split staged this session (a court's, lawyers' and consumer pages' explanations) and held by the
# probes of test_linter_chinese_real_seventh.py:
# 1. an impersonal explanation of the law: a legal document, act or institution explained ("传票是人民法院通知当事人
#    出庭的法律文书", "逮捕必须经检察院批准", "立案通知书由法院出具，不会通过私人手机号发送", "…是合理的行为") with
#    nobody in the sentence acting on anybody — no reader (你/您), no sender, no time or deadline, no demand and no
#    definite future (将, 会 — not 不会); covers false_legal_claim and impersonation, as the procedure frame does;
# 2. a kind of message described by its quoted words ("收到写着“三天内上门”的短信，其实大多是吓唬人"): the words sit in
#    quote marks after a verb of receiving and before 的短信/的电话 …; outside the quotes no sender, no demand and no
#    reader told what will come (你会收到…, 你明天…);
# 3. advice on another party's misconduct ("如对方上门骚扰，可以直接报警"): 如/若/如果 + the other party (对方, 催收人员,
#    有人 …) at the head of the sentence and, after the words, advice to report or keep evidence (报警, 报案, 投诉 …);
#    no sender and no demand in the sentence.
_CN_EXPLAINS = re.compile(
    r"属于|是指|称为|称之为|准确称|的合法性|是合理的|合理合法|不具有|不具备|本身|只能通过|一律通过|"
    r"(?:由|经)[^你您我]{1,12}?(?:批准|决定|执行|出具|签发|送达|作出|审查|发出|发放)|"
    r"是[^你您我]{1,24}?的(?:法律文书|文书|文件|函件|程序|法律程序|行为|手段|方式|凭证|证件|处罚|行政处罚|措施|强制措施|刑罚)|"
    r"法定程序|"
    r"不会(?:通过|以|用|采用|采取|在网上|在网络上|私下)"
)
_CN_NOT_IMPERSONAL = re.compile(
    r"你|您|我|咱|明天|明日|今天|今日|今晚|马上|立即|立刻|即将|已经|已|正在|就要|等着|准备|到时|限你|限期|"
    # a deadline, not a statutory period for the debtor's own rights (债务人可在十五日内提出异议)
    r"(?:日|天|小时)内(?!提出|申请|上诉|起诉|复议|异议)|否则|不然|再不|不还|拒不|(?<!不)(?<!不可能)将(?!来)|(?<!不)(?<!不一定)会(?!议|员|计|所)"
)
#: … but the message naming itself is the sender's claim (本通知由公安机关经侦部门发出)
_CN_SELF_DOCUMENT = re.compile(
    r"(?:本|此|该)(?:条|份|封)?(?:通知|函|短信|信息|消息|文书|律师函|催告函|催收函|公告|传票|来电|电话)"
)
#: … nor the debt itself recast as a crime, however impersonally ("恶意透支属于信用卡诈骗犯罪")
_CN_DEBT_AS_CRIME = re.compile(
    r"^(?=.*(?:透支|逾期|欠款|欠债|欠钱|拖欠|赖账|老赖|不还))(?=.*(?:诈骗|犯罪|刑事|违法|坐牢|判刑|拘留|逮捕))"
)
_CN_EXPLAINS_COVERS = frozenset({"false_legal_claim", "impersonation"})
_CN_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}
_CN_RECEIVED = re.compile(
    r"(?:收到|接到|看到|收过|接过|见过|遇到)(?:过|了)?(?:一条|一封|一些|这样的|这种|这类|类似|很多|大量)?"
    r"(?:写着|写有|内容为|内容是|称|说|显示|提示|带有)?$"
)
_CN_MESSAGE_AFTER = re.compile(
    r"^(?:之类|一类|这样|等)?的?(?:催收|催款|恐吓|威胁)?(?:短信|信息|消息|电话|通知|微信|私信|话术|留言|语音|邮件)"
)
#: quoted words listed as a kind of message ("“…”、“…”…此类话术"), named a scam in this or the next sentence
_CN_MORE_QUOTES = re.compile(r"^(?:[\s、，,…．.]*[“「『‘\"][^”」』’\"]{0,60}[”」』’\"])*[\s、，,…．.等]*")
_CN_KIND_AFTER = re.compile(
    r"^(?:此类|这类|这些|类似|以上|上述|诸如此类|等)(?:的)?(?:话术|短信|信息|说法|套路|电话|消息|骗局|内容)"
)
_CN_SCAM_WORD = re.compile(r"诈骗|骗局|骗子|假的|虚假")
_CN_READER_TOLD = re.compile(r"(?:你|您)(?:们)?(?:会|将|马上|很快|就要|即将|等着|明天|今天|今晚)")
_CN_IF_OTHER = re.compile(
    r"^(?:如|若|如果|假如|倘若|一旦|要是|若是)(?:遇到|遇|发现)?(?:对方|催收方|催收人员|催收员|催收公司|催收机构|讨债公司|"
    r"讨债人员|讨债方|债主|债权人|有人|陌生人|骗子|不法分子|第三方)"
)
_CN_ADVICE = re.compile(
    r"(?:可|可以|请|应|应当|应该|建议|务必|要|需|需要|立即|及时|直接|马上|第一时间)(?:直接|立即|及时|马上|第一时间)?"
    r"(?:报警|拨打110|向公安机关|向警方|向派出所|报案|投诉|举报|保存证据|保留证据|录音|维权|拨打12368|核实|向法院)"
)
#: whether a text can hold each of the three at all (searched once per text, on its compact view and original): most
#: texts with a finding hold none, and then no sentence is normalised again
_CN_IF_OTHER_ANY = re.compile(_CN_IF_OTHER.pattern[1:])


#: the literals every ``_CN_EXPLAINS`` match holds (a plain alternation: cheap where the gapped one is not)
_CN_EXPLAINS_HINT = re.compile(
    r"属于|是指|称为|称之为|准确称|的合法性|是合理的|合理合法|不具有|不具备|本身|只能通过|一律通过|法定程序|不会|"
    r"批准|决定|执行|出具|签发|送达|作出|审查|发出|发放|的(?:法律文书|文书|文件|函件|程序|法律程序|行为|手段|方式|凭证|证件|"
    r"处罚|行政处罚|措施|强制措施|刑罚)"
)


def _cn_about_hints(compact: str, text: str) -> tuple[bool, bool, bool]:
    """(an explanation, a quote, advice on another party) may be in the text (``compact`` is its compact view)."""
    return (
        _CN_EXPLAINS_HINT.search(compact) is not None and _CN_EXPLAINS.search(compact) is not None,
        any(q in text for q in _CN_QUOTES),
        _CN_IF_OTHER_ANY.search(compact) is not None,
    )


def _cn_quoted_span(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int] | None:
    """The quote marks in ``text[s:e]`` around ``[start, end)``: (index of the opening mark, of the closing one)."""
    for i in range(start - 1, s - 1, -1):
        close = _CN_QUOTES.get(text[i])
        if close is None:
            continue
        j = text.find(close, end, e)
        if j >= 0 and (close != '"' or text.count('"', s, i) % 2 == 0):
            return i, j
        return None
    return None


def _cn_mask_quotes(text: str, s: int, keep: tuple[int, int]) -> str:
    """``text`` with the other quoted segments of a listing after ``keep`` blanked (same length, so offsets hold): a
    demand inside another quoted message ("“…”、“…否则会被冻结”…此类话术") is that message's, not the sender's."""
    out, i = list(text), keep[1] + 1
    m = _CN_MORE_QUOTES.match(text[i:])
    stop = i + (m.end() if m else 0)
    for j in range(i, stop):
        if text[j] not in _CN_QUOTES and text[j] not in _CN_QUOTES.values():
            out[j] = "\u3000"
    return "".join(out)


def _cn_about_collection(
    text: str, s: int, e: int, start: int, end: int, category: str, hints: tuple[bool, bool, bool]
) -> str | None:
    """The words ``[start, end)`` of the sentence ``[s, e)`` sit in text *about* collection (shapes 1–3 above): the
    text to read for taking them back (``_taken_back``), or None. ``hints``: ``_cn_about_hints`` of the text."""
    explains, quotes, if_other = hints
    quoted = _cn_quoted_span(text, s, e, start, end) if quotes else None
    if quoted is not None:
        # the words outside the quotes are read for the sender (the quoted ones are the message described)
        before = normalise(text[s : quoted[0]]).compact.text
        rest = text[quoted[1] + 1 : e]
        listed = rest[_CN_MORE_QUOTES.match(rest).end() :]  # type: ignore[union-attr]
        after = normalise(rest).compact.text
        outside = before + normalise(listed).compact.text
        if not (
            _cn_first_person(outside) or _CN_CONDITION.search(outside) or _CN_READER_TOLD.search(outside)
        ):
            # described, not asked about: nobody outside the quotes is the reader (not 你收到写着“明天上门”的短信了吗)
            reader = _CN_READER.search(before + normalise(rest).compact.text) is not None
            if not reader and _CN_RECEIVED.search(before) and _CN_MESSAGE_AFTER.match(after):
                return _cn_mask_quotes(text, s, quoted)
            stop = _SENTENCE_END.search(text, e)
            following = text[quoted[1] + 1 : (stop.end() if stop else len(text))]
            if _CN_KIND_AFTER.match(normalise(listed).compact.text) and _CN_SCAM_WORD.search(following):
                return _cn_mask_quotes(text, s, quoted)
    explains = explains and category in _CN_EXPLAINS_COVERS
    if not (explains or if_other):
        return None
    compact = _SENTENCE_STRIP.sub("", normalise(text[s:e]).compact.text)
    if _cn_first_person(compact) or _CN_CONDITION.search(compact):
        return None
    if (
        explains
        and _CN_EXPLAINS.search(compact)
        and not _CN_NOT_IMPERSONAL.search(compact)
        and not _CN_SELF_DOCUMENT.search(compact)
        and not _CN_DEBT_AS_CRIME.match(compact)
    ):
        return text
    if if_other and _CN_IF_OTHER.match(compact) and _CN_ADVICE.search(normalise(text[end:e]).compact.text):
        # … and the words are the other party's doing: in the 如 clause itself (not 如对方拖欠，法院将上门拘留，请报警)
        brk = _CN_SENTENCE_CLAUSE.search(text, s, e)
        if brk is None or end <= brk.start():
            return text
    return None


_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?。！？；;\n]+")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of the original text that holds ``[start, end)``."""
    a = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        a = m.end()
    stop = _SENTENCE_END.search(text, end)
    return a, (stop.end() if stop else len(text))


#: a short sentence after that is the sender's denial, not an endorsement ("Scammers may threaten … We never do.")
_EN_WE_NEVER = re.compile(
    r"^\W*(?:we|i|our company|our bank) (?:never|don t|do not|doesn t|does not|won t|will not|would never|will never|"
    r"never will|never would)(?: (?:do|does|will|would|call|ask|threaten|text|contact|tell|visit|post|share|publish|"
    r"disclose|email|e mail|message))?(?: that| so| this)?"
    # … with the people or place of a collection act as its object ("We never contact neighbours.", as 我司不会上门催收)
    r"(?: (?:your |the |any |their )?(?:neighbou?rs?|famil(?:y|ies)|relatives|friends|employers?|boss(?:es)?|workplaces?|"
    r"colleagues|co ?workers|contacts|anyone|anybody|people|customers|homes?|houses?|social media|online))?\W*$"
)
_CN_WE_NEVER = re.compile(
    r"^(?:我们|我司|本公司|本平台|本行|我行)(?:绝不|从不|不会|从来不|决不)会?(?:这样做|这么做|如此|这样)?$"
    # … or a short denial of a collection act of the sender's own ("我司不会上门催收。"; not "我司不会等太久。", nor an
    # idiom with a negator that threatens: 不会放过你, ``patterns.CN_FALSE_NEGATORS``, checked after the match)
    r"|^(?:我们|我司|本公司|本平台|本行|我行)(?:绝不|从不|不会|从来不|决不|从未)会?(?:以任何方式)?(?:上门|催收|联系|致电|打电话|"
    r"威胁|恐吓|曝光|公开|泄露|通知|骚扰|委托|要求|收取|使用|发送|透露)"
)

#: … nor the sender's offer to help check ("We can help you verify.", "我们会协助您核实。")
_EN_WE_HELP = re.compile(
    r"^\W*(?:we|i)(?: (?:will|ll|can|are happy to|re happy to|d be happy to|would be glad to|are here to))? "
    r"(?:help|assist|verify|check|confirm)\b"
)
_CN_WE_HELP = re.compile(
    r"^(?:我们|我司|本公司|本平台|本行|我行)(?:会|将|可以|可|愿意)?(?:协助|帮助|帮|配合)"
)


def _short_sentence_after(text: str, end: int) -> str:
    """The sentence after ``end`` when it is short enough to be an ending of this one ("… on the way; we will.",
    "…都是诈骗。咱们明天见。", "… Pay now."): read for the sender, never for a frame."""
    stop = _SENTENCE_END.search(text, end)
    nxt = text[end : stop.end() if stop else len(text)]
    words = nxt.split()
    if not words:
        return ""
    if nxt.isascii():
        p = _plain(nxt)
        return nxt if len(words) <= 5 and not (_EN_WE_NEVER.match(p) or _EN_WE_HELP.match(p)) else ""
    compact = normalise(nxt).compact.text
    denial = bool(_CN_WE_NEVER.match(compact)) and not any(f in compact for f in CN_FALSE_NEGATORS)
    return nxt if len(compact) <= 10 and not (denial or _CN_WE_HELP.match(compact)) else ""


def _plain(text: str) -> str:
    """Lower case, width folded, apostrophes read as a space ("won't" → "won t"), punctuation kept: the
    English frames read commas, which the word view drops."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower().replace("’", " ").replace("'", " "))


# ------------------------------------------------------------------------------ whose words (2026-12-04, the fail-open)
# A frame covers only words that are provably someone else's. The sender acting in the sentence ("we", "our
# agents", 我们, 我司, 本平台 …) or a demand of payment in it ("if you don't pay", "pay now", 不还钱就, 否则) makes the
# words the sender's own, whatever frame is around them: "Beware, we will come to your workplace tomorrow" was
# demoted to a warning by the "beware" frame, "不还钱就上门，都是诈骗" by the verdict after it.

_EN_FIRST_PERSON = re.compile(r"\b(?:we|us|our|ours|ourselves|i|me|my|mine|myself)\b")
#: the party impersonated, not the sender acting ("callers pretending to be us", "posing as our staff"), as 冒充我司
_EN_IMPERSONATED = re.compile(
    r"\b(?:pretend(?:s|ing|ed)?|claim(?:s|ing|ed)?|pos(?:e|es|ing|ed)|purport(?:s|ing|ed)?) (?:to be |as )(?:from )?"
    r"(?:us|our (?:\w+ ){0,2}?(?:company|bank|staff|team|agents?|employees?|collectors?|representatives?|people))\b"
    r"|\bimpersonat(?:e|es|ing|ed) (?:us|our (?:\w+ ){0,2}?(?:company|bank|staff|team|agents?|employees?|collectors?|"
    r"representatives?|people))\b",
    re.IGNORECASE,
)
#: the country, not the sender ("the US Marshals"): only where the sentence is not written all in capitals
_EN_COUNTRY_US = re.compile(r"\bUS\b")
#: where "we"/"our" is the sender announcing a warning, not acting in it: a header ("We remind customers: …")
_EN_FP_HEADER = re.compile(
    r"^\W*(?:we |our (?:\w+ ){0,2}?)(?:would like to |want to )?(?:remind|warn|urge|advise|alert|caution)s?\b"
    r"[^:]{0,30}:"
)
#: … and after the words, the place to report them ("If anyone threatens you with arrest, report it to us.", "… Call
#: us.")
_EN_FP_REPORT_TO_US = re.compile(
    r"\b(?:(?:report|forward) (?:\w+ ){0,3}?to us|(?:call|contact|email|e mail|text|phone|ring) us)\b"
)
#: … and the subject of a denial of contact whose scope runs on to the words ("Our company does not call customers
#: threatening jail"); the scope ends at a clause break, so "We don't text, your boss will hear of it" is the sender's
_EN_FP_DENIES = re.compile(
    r"\b(?:we|i|our (?:\w+ ){0,2}?|my (?:\w+ ){0,2}?)(?:will never|would never|never|do not|does not|don t|doesn t|"
    r"will not|won t|would not|shall not) (?:ever )?(?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|"
    r"demand|demands|threaten|threatens)\b"
)
_EN_CLAUSE_BREAK = re.compile(
    r"[,:;\u2013\u2014]| - |\b(?:but|so|then|instead|and (?:we|i|you|your|they|he|she|the))\b"
)
#: a condition on non-payment or a demand of payment
_EN_CONDITION = re.compile(
    r"\b(?:if (?:you|u|ya) (?:do not|don t|dont|didn t|didnt|did not|fail to|won t|wont|will not|can t|cant|cannot|"
    r"refuse to|still don t|still dont|still do not) "
    r"(?:pay|settle|repay|make (?:a |the |your )?payment)"
    # a condition on not getting in touch is the sender's pressure too ("You will be arrested if you don't call
    # today"): before 2026-12-04 16:20 it read as an institution's denial of contact ("does not call …") and the
    # frame covered the threat
    r"|(?:if|unless) (?:you|u|ya) (?:(?:do not|don t|dont|didn t|didnt|did not|fail to|won t|wont|will not|can t|cant|"
    r"cannot|refuse to|still don t|still dont|still do not|choose not to) )?(?:call|ring|phone|respond|reply|answer|"
    r"contact|return|get back|get in touch|reach out|get in contact)"
    r"|if (?:we|i) (?:do not|don t|dont|don t ever|never|fail to) (?:hear|receive|get) (?:from|a (?:call|response|reply))"
    r"|if (?:the |your |this )?(?:payment|balance|debt|amount) (?:is not|isn t|remains) (?:paid|received|unpaid|outstanding)"
    r"|unless (?:you |u |we receive |payment |the |your )?(?:pay|settle|repay|payment|is paid|paid)"
    r"|until (?:you|u) pay|or else|pay (?:up|now|today|tonight|immediately|right away|at once|asap|in full today)"
    r"|(?:make|send) (?:a |the |your )?payment (?:now|today|tonight|immediately|right away))\b"
)
#: a named scammer or impostor (rule 2: a warning heading the sentence covers only where one is named)
_EN_NAMES = re.compile(
    r"\b(?:scams?|scammers?|fraud|frauds|fraudsters?|fraudulent|impostors?|imposters?|fakes?|bogus|phony|phoney|"
    r"con ?artists?|spoof(?:er|ers|ed|ing)?|hoax(?:es)?|crooks?|criminals|thieves|"
    r"callers? (?:who|claiming|pretending|posing)|(?:any|some|no)one (?:who|claiming|pretending|posing)|"
    r"(?:people|persons?|anybody|somebody) (?:who|claiming|pretending|posing)|pretending to be|posing as|"
    r"claiming to be)\b"
)
#: the agent of a report is itself a scammer or impostor ("scammers may claim …"), not "callers", "they", "someone"
_EN_STRONG_AGENT = re.compile(
    r"\b(?:scammers?|fraudsters?|con ?artists?|crooks?|criminals|thieves|impostors?|imposters?|spoofers?|fake|bogus|"
    r"phony|phoney|fraudulent|who|claiming|pretending|posing|because|mentions?|talks? about|brings? up)\b"
    # "they threaten(s) …": the sender does not call its own words threats ("They may threaten you with arrest or
    # malware on your computer." — a sheriff's alert)
    r"|\bthey (?:\w+ )?threaten\b"
)
_EN_HEADING = re.compile(
    r"(?:beware|be wary|be careful|watch out|scam alert|fraud alert|scam warning|warning signs?|red flags?|"
    r"common scams?|phone scams?|(?:the |this |a )?scam (?:works|involves|goes))$"
)


#: the words a verdict is about are someone else's or a kind of message
_EN_GENERIC = re.compile(
    r"\b(?:if (?:someone|somebody|anyone|anybody|a caller|the caller|they|you (?:receive|get)|(?:a|any|the|your) "
    r"(?:debt )?(?:collectors?|collection agency|creditors?|lenders?|bailiffs?|agents?|callers?)|"
    # … or an authority, as the one said to speak: "If the police say they will arrest you, that is not true"
    r"(?:the |a |an |any )?(?:police(?: officers?)?|officers?|sheriffs?|deput(?:y|ies)|marshals?|constables?|"
    r"bailiffs?|courts?|judges?|authorities|enforcement agents?) (?:say|says|said|claim|claims|tell you|tells you|"
    r"threaten|threatens|warn you|warns you)|"
    # the reader threatened, in the passive, as debt-advice pages put it: "if you are threatened with arrest …"
    r"you (?:are|re|get|have been|ve been|feel|were) (?:being )?threatened)|"
    r"any (?:call|caller|message|text|letter|e ?mail|person|agency|officer)s?|whoever|"
    r"(?:anyone|someone|anybody|somebody|callers?|people|those) (?:who|claiming|pretending|posing|saying|that)|"
    r"(?:such|these|those|similar) (?:\w+ )?(?:calls|messages|texts|letters|e ?mails|threats|claims)|(?:calls|messages|texts|letters|e ?mails) (?:that|which|saying|claiming|demanding|threatening)|"
    r"(?:a|any) (?:call|message|text|letter|e ?mail) (?:that|which|saying|claiming|demanding|threatening))\b"
)


def _en_about_others(b: str, f: str) -> bool:
    """The words a verdict is about are introduced as someone else's or a kind of message, in their clause ("If
    someone says …", "Anyone who says …"; not "Deputies will arrest you at work, and anyone who says otherwise …")."""
    if _EN_GENERIC.search(f) or _EN_NAMES.search(f):
        return True
    return any(
        not _EN_CLAUSE_BREAK.search(b, g.end()) for r in (_EN_GENERIC, _EN_NAMES) for g in r.finditer(b)
    )


def _en_named_before(b: str, frm: int) -> bool:
    """A scam or impostor is named after ``frm`` and before the words, in their clause."""
    return any(not _EN_CLAUSE_BREAK.search(b, n.end()) for n in _EN_NAMES.finditer(b, frm))


def _en_blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


def _en_senders(before: str, finding: str, after: str, strong_end: int | None, denial: bool = False) -> bool:
    """The sender acts or demands payment in these words (plain form; ``before`` ends where the finding starts).
    ``strong_end``: where, in ``before``, a named scammer's report ends — a condition after it in the same clause is
    the scammer's ("Scammers may claim you will be arrested if you do not pay"). ``denial``: the frame is a denial of
    contact, whose subject may be the sender ("Our company does not call customers threatening jail")."""
    head = _EN_FP_HEADER.match(before)
    if head:
        before = _en_blank(before, head)
    if denial:
        for m in _EN_FP_DENIES.finditer(before):
            if not _EN_CLAUSE_BREAK.search(before, m.end()):
                before = _en_blank(before, m)
    for m in _EN_FP_REPORT_TO_US.finditer(after):
        after = _en_blank(after, m)
    for m in _EN_IMPERSONATED.finditer(before):
        before = _en_blank(before, m)
    whole = f"{before} {finding} {after}"
    # the word view as well: a "w\u200be", "wе" (Cyrillic е) or "p4y n0w" is the sender's word too
    words = normalise(whole).words.text
    if _EN_FIRST_PERSON.search(whole) or _EN_FIRST_PERSON.search(words):
        return True
    plain = list(_EN_CONDITION.finditer(whole))
    if len(_EN_CONDITION.findall(words)) > len(plain):
        return True
    for m in plain:
        if strong_end is None or m.start() < strong_end or _en_breaks_between(whole, strong_end, m.start()):
            return True
    return False


#: a comma that joins the verbs of one report, not a new clause: "The scammer threatens to fine you, put you in
#: prison, or take your property unless you pay." (the condition is still the scammer's)
_EN_LIST_VERB = re.compile(r"\s*(?:or\s+|and\s+)?(?:\w+\s+){1,2}?(?:you|your)\b")


def _en_breaks_between(text: str, a: int, b: int) -> bool:
    """A clause break in ``text[a:b]`` other than the commas of a list of verbs with the reader as object."""
    for m in _EN_CLAUSE_BREAK.finditer(text, a, b):
        if m.group(0) == "," and _EN_LIST_VERB.match(text, m.end()):
            continue
        return True
    return False


def _en_plain(text: str) -> str:
    if any(c.islower() for c in text):
        text = _EN_COUNTRY_US.sub("U.S.", text)
    return _plain(text)


def _en_framed(before_raw: str, finding_raw: str, after_raw: str, tail_raw: str = "") -> bool:
    """``tail_raw``: a short sentence after this one ("… on the way; we will."), read for the sender only."""
    b, f, a = _en_plain(before_raw), _en_plain(finding_raw), _en_plain(after_raw)
    at = f"{a} {_en_plain(tail_raw)}" if tail_raw else a
    for m in _EN_BEFORE.finditer(b):
        if b[: m.start()].endswith(_FIRST_PERSON_BEFORE):  # "our agent says …" is the collector's own word
            continue
        g = m.group(0)
        if _EN_THEY_THREATEN.match(g) and (
            _EN_VERB.search(f) or _EN_VERB.search(b, m.end()) or _EN_BECAUSE.search(b, m.end())
        ):
            # "they threaten …" reports a list of harms, not a statement about the reader: not "They threaten arrest
            # because you are a criminal."
            continue
        if _EN_MENTION.search(g) and (
            _EN_FINITE.search(f) or _EN_FINITE.search(b, m.end()) or len(b[m.end() :].split()) > 8
        ):
            # "if they mention …" quotes words, not a statement: "Hang up if they mention arrest, jail, or a
            # warrant." — not "When they mention the sheriff, he is already on his way to your house."
            continue
        strong_end, denial = None, False
        if _EN_HEADING.search(g):
            # rule 2: a warning heading the sentence covers only words introduced by a named scam or impostor, in
            # their clause ("Beware of callers who say …"; not "Beware of scammers: deputies will arrest you")
            if not (_EN_NAMES.search(f) or _en_named_before(b, m.end())):
                continue
        elif _EN_DENIAL.search(g):
            # a denial of contact covers the rest of the sentence up to a new clause
            if _en_denial_ends(b, m.end()):
                continue
            denial = True
        elif _EN_STRONG_AGENT.search(g):
            strong_end = m.end()
        elif not _EN_NAMES.search(b, 0, m.start()):
            continue  # "callers say …", "they threaten …": nobody named as a scammer before them
        if not _en_senders(b, f, at, strong_end, denial):
            return True
    a = a.strip()
    for m in _EN_AFTER.finditer(a):
        if a[: m.start()].endswith(_NEGATED_BEFORE):
            continue
        # rule 3: the verdict covers only if the words before it are about someone else or a kind of message ("If
        # someone says …, it is a scam"; not "Deputies will arrest you tonight, it's a scam") and the sentence is
        # not the sender's (rule 1, over the whole sentence: "…都是诈骗，咱们明天见" is the sender's)
        if _en_about_others(b, f) and not _en_senders(b, f, at, None):
            return True
    # a named scammer's doing as a participle ("the scammer will become aggressive …, claiming that …", "a fake
    # debt collector … such as threatening to have you arrested"): the scammer is named earlier in the sentence
    for m in _EN_PARTICIPLE.finditer(b):
        named = any(
            not b[: n.start()].endswith(_FIRST_PERSON_BEFORE)
            for n in _EN_AGENT_NOUN.finditer(b, 0, m.start())
        )
        if named and not _en_senders(b, f, at, m.end()):
            return True
    denies = _EN_SUBJECT_DENIES.search(a)
    if denies is None or _en_denial_ends(a, denies.end()):
        return False
    return not _en_senders(b, f, at, None)


_EN_PARTICIPLE_WORDS = frozenset(["threatening", "claiming", "saying", "insisting", "telling", "warning"])
#: a participle reporting a scammer's words
_EN_PARTICIPLE = re.compile(
    r"\b(?:threatening|claiming|saying|insisting|telling you|warning you)\b(?: (?:to|that)\b)?"
)
#: a scammer named as an agent (not "fraud", "scam": "Beware of fraud, saying …" names nobody who says it)
_EN_AGENT_NOUN = re.compile(
    r"\b(?:scammers?|fraudsters?|con ?artists?|crooks?|impostors?|imposters?|spoofers?|"
    r"(?:fake|bogus|phony|phoney|fraudulent) (?:\w+ ){0,2}?(?:callers?|collectors?|agents?|officers?|deputies))\b"
)
_EN_FINITE = re.compile(
    r"\b(?:will|ll|shall|would|is|are|was|were|am|s|re|m|going|gonna|can|could|must|has|have|had|do|does|did|may|"
    r"might)\b"
)


def _en_denial_ends(text: str, frm: int) -> bool:
    """A denial of contact's scope ends after ``frm``: a new clause with its own subject, a clause break other than
    a comma, or a comma whose stretch has a verb of its own or the sender ("does not call, deputies will …"); the
    commas of a list do not end it ("WILL NOT call, text, or email anyone demanding …, especially by bitcoin, and
    or gift cards")."""
    if _EN_NEW_SUBJECT.search(text, frm):
        return True
    for m in _EN_CLAUSE_BREAK.finditer(text, frm):
        if m.group(0) != ",":
            return True
        nxt = text.find(",", m.end())
        seg = text[m.end() : nxt if nxt >= 0 else len(text)]
        if not _EN_LIST_ITEM.match(seg) or _EN_FINITE.search(seg) or _EN_FIRST_PERSON.search(seg):
            return True
    return False


#: an item of the list a denial of contact runs through: the ways of contact, the means of payment demanded
_EN_LIST_ITEM = re.compile(
    r"^\s*(?:(?:and|or|nor) ?)*$|^\s*(?:or |and |and or |nor )?(?:(?:call|text|e ?mail|contact|phone|message|write|ask|demand|"
    # … and the purposes the denial lists ("… to demand money, resolve a warrant, or conduct official business")
    r"resolve|request|collect|conduct|settle|clear|discuss|arrange|verify)s?\b|"
    r"(?:especially |including |such as |like )?(?:by |via |with |through |in |on )?(?:\w+ ){0,3}?(?:bitcoin|gift ?cards?|"
    r"green ?dot|cards?|wires?|wire transfers?|transfers?|cash|crypto\w*|money ?orders?|prepaid|payments?|fines?|fees?)\b)"
)


# Chinese: 我 is the sender except in 自我 (self: 自我保护) and 我国 (the country); 自我们/来自我司/自我方 are still
# the sender (the longer words are matched first). Traditional text is folded to simplified by the compact view.
_CN_FIRST_PERSON = re.compile(r"我们|我司|我方|我行|本公司|本平台|本行|咱们|咱|我")
_CN_CONDITION = re.compile(
    r"不还|再不|否则|不然|立即还|立刻还|马上还|赶紧还|尽快还钱|今天之内还|不交钱|不付钱|不给钱|不还款|拒不|限你"
)
#: the sender announcing a warning: a header before a colon ("我们提醒您：", "本平台郑重提醒广大用户：")
_CN_FP_HEADER = re.compile(
    r"^\s*[^：:，,。！？!?]{0,10}?(?:提醒|提示|警示|敬告|告诫)[^：:，,。！？!?]{0,8}[：:]"
)
#: … and after the words, the place to complain ("…请向我司投诉", "…请联系我司")
_CN_FP_COMPLAIN = re.compile(
    r"向(?:我们|我司|我方|我行|本公司|本平台|本行)(?:的)?(?:客服|客服热线|客服中心|消保部门|消费者权益保护部门)?"
    r"(?:投诉|举报|反映)|请(?:联系|致电|拨打)(?:我们|我司|本公司|本平台|本行|我行)"
)
_CN_NAMES = re.compile(r"骗|冒充|假冒|不法分子|犯罪分子|自称|谎称|假扮|冒用|伪装")
_CN_HEADING = re.compile(r"谨防|警惕|提防|小心(?:被)?骗|防骗|反诈|警方提[示醒]|郑重提醒|温馨提示")
_CN_STRONG_AGENT = re.compile(r"^(?:骗子|诈骗分子|不法分子|犯罪分子|骗局|冒充者)")
_CN_NEUTRAL_AGENT = re.compile(r"^(?:对方|嫌疑人)")
_CN_GENERIC = re.compile(
    r"凡|任何|(?:如|若|如果|一旦|假如)有人|有人(?:称|说|自称|冒充|假冒|以|声称|谎称|要求|打电话|致电|发短信)|接到|收到|此类|这类|类似"
    # 2026-12-05 (linzh): a collector's words reported, before a verdict on them (催收员说要给你所有联系人发短信，这是违法
    # 的; 催收人员常用的话术有“再不还就上门”…，这些都是违规催收)
    r"|(?:催收人员|催收员|催收方|催收公司|催收机构|催收)(?:常|常常|往往|通常|一般|多|会|都|经常)?(?:说|称|声称|扬言|威胁|恐吓|"
    r"用的?(?:话术|手段|套路)|使用的?(?:话术|手段|套路)|的(?:话术|手段|套路))"
    # … and a rumour (网传, 传言, 网上流传): what it says is someone else's
    r"|网传|网上流传|网上传|传言|坊间传"
)
_CN_CLAUSE_BREAK = re.compile(r"[，,；;：:、]")


def _cn_first_person(compact: str) -> bool:
    for m in _CN_FIRST_PERSON.finditer(compact):
        self_or_country = compact[m.start() - 1 : m.start()] == "自" or compact[m.end() : m.end() + 1] == "国"
        if m.group(0) == "我" and self_or_country:
            continue
        # the party impersonated, not the sender acting: 冒充我司催收人员, 假冒我行工作人员
        if compact[max(m.start() - 2, 0) : m.start()] in _CN_IMPERSONATED_BY:
            continue
        return True
    return False


_CN_IMPERSONATED_BY = frozenset(
    {"冒充", "假冒", "冒用", "假扮", "伪装", "仿冒", "自称", "称是", "谎称", "声称"}
)


def _cn_senders(before: str, finding: str, after: str, strong_end: int | None, victim: bool = False) -> bool:
    """The sender acts or demands payment in these words (original text; ``strong_end`` as in ``_en_senders``;
    ``victim``: the words are about a third-person victim, so a condition in them is the scammer's)."""
    head = _CN_FP_HEADER.match(before)
    if head:
        before = before[head.end() :]
        if strong_end is not None:
            strong_end -= head.end()
    whole = before + finding + after
    n = normalise(whole)
    compact = n.compact.text
    if _CN_FP_COMPLAIN.search(compact):  # only after the words: "…，请向我司投诉"
        compact = normalise(before + finding).compact.text + _CN_FP_COMPLAIN.sub(
            "", normalise(after).compact.text
        )
    if _cn_first_person(compact):
        return True
    if victim or not _CN_CONDITION.search(compact):
        return False
    for m in _CN_CONDITION.finditer(n.compact.text):
        if strong_end is None:
            return True
        start, _ = n.compact.span(m.start(), m.end())
        if start < strong_end or _CN_CLAUSE_BREAK.search(whole, strong_end, start):
            return True
    return False


def _cn_framed(before: str, finding: str, after: str, tail: str = "") -> bool:
    """``tail``: a short sentence after this one (…。咱们明天见。), read for the sender only."""
    nb = normalise(before)
    cb = nb.compact.text
    for m in _CN_BEFORE.finditer(cb):
        g = m.group(0)
        strong_end = None
        if _CN_HEADING.match(g):
            # rule 2: a warning heading the sentence covers only words introduced by a named scam or impostor, in
            # their clause (谨防有人冒充法院工作人员称…; not 谨防骗子：明天上门)
            if not (
                _CN_NAMES.search(normalise(finding).compact.text) or _cn_named_before(nb, before, m.end())
            ):
                continue
        elif _CN_NEUTRAL_AGENT.match(g):
            if not _CN_NAMES.search(cb, 0, m.start()):
                continue
        elif _CN_COLLECTOR_IF.fullmatch(g):
            # a collector's act reported as a case to act on: only with advice after it (举报, 投诉, 报警 …)
            if not _CN_ADVICE.search(normalise(after).compact.text):
                continue
        elif _CN_COLLECTOR_TACTICS.fullmatch(g):
            # a collector's stock phrases listed: only with advice or a verdict after them; a condition inside them
            # (“再不还就上门”) is the collector's, as a named scammer's is
            ca = normalise(after).compact.text
            if not (_CN_ADVICE.search(ca) or _CN_AFTER.search(ca)):
                continue
            strong_end = nb.compact.span(m.start(), m.end())[1]
        elif _CN_STRONG_AGENT.match(g):
            strong_end = nb.compact.span(m.start(), m.end())[1]
        if not _cn_senders(before, finding, after + tail, strong_end):
            return True
    na = normalise(after)
    for _m in _CN_AFTER.finditer(na.compact.text):
        # rule 3: the verdict covers only if the words before it are about someone else or a kind of message
        # (凡是…都是诈骗; not 明天上门找你家人，都是诈骗) and the sentence is not the sender's (rule 1)
        # the words are about a third-person victim (…对受害人实施拘留…，这些都是诈骗) and never address the reader:
        # a condition in them is the scammer's ("否则就会…")
        whole = normalise(before + finding + after).compact.text
        victim = bool(_CN_VICTIM.search(whole)) and not _CN_READER.search(whole)
        if (victim or _cn_about_others(nb, before, finding)) and not _cn_senders(
            before, finding, after + tail, None, victim
        ):
            return True
    return False


#: 2026-12-05 (linzh): also a collector met, with or without 如 (遇到催收人员说要爆你通讯录…，请立即报警; 碰到催收员扬言
#: 要通知你的家人，可以拨打12378投诉) — advice pages put it so as often as 如果催收人员…
_CN_COLLECTOR_IF = re.compile(
    r"(?:(?:如|若|如果|一旦|假如|要是)(?:遇到|碰到|遭遇|遇)?|遇到|碰到|遭遇)(?:催收人员|催收员|催收方|催收公司)"
)
_CN_ADVICE = re.compile(
    r"举报|投诉|报警|求助|维权|录音|保存证据|保留证据|拨打12378|拨打110|向.{0,12}?(?:反映|反馈)"
)
_CN_VICTIM = re.compile(r"受害人|被害人|受害者|受骗者|受骗人|当事人|事主")
_CN_COLLECTOR_TACTICS = re.compile(
    r"(?:催收人员|催收员|催收方|催收公司|催收机构|催收)(?:常|常常|往往|通常|一般|多|经常)?(?:用|使用)?的?"
    r"(?:话术|手段|套路|伎俩)(?:有|包括|是|为|如|一般是|通常是)"
)


_CN_SENTENCE_CLAUSE = re.compile(r"[，,；;：:]")


def _cn_about_others(nb: Normalised, before: str, finding: str) -> bool:
    """As ``_en_about_others`` (凡是…的，都是诈骗; not 明天上门找你家人，都是诈骗)."""
    fc = normalise(finding).compact.text
    if _CN_GENERIC.search(fc) or _CN_NAMES.search(fc):
        return True
    for r in (_CN_GENERIC, _CN_NAMES):
        for g in r.finditer(nb.compact.text):
            _, end = nb.compact.span(g.start(), g.end())
            if not _CN_SENTENCE_CLAUSE.search(before, end):
                return True
    return False


def _cn_named_before(nb: Normalised, before: str, frm: int) -> bool:
    """A scam or impostor is named after compact index ``frm`` and before the words, in their clause."""
    for n in _CN_NAMES.finditer(nb.compact.text, frm):
        _, end = nb.compact.span(n.start(), n.end())
        if not _CN_CLAUSE_BREAK.search(before, end):
            return True
    return False


# ------------------------------------------------------------- the text as a whole keeps the words at a distance
# (2026-12-04, the endorsement exploit). A frame covers words of its own sentence; the rest of the message may take
# them back: agree with them ("Scammers say the sheriff will come tonight. They are right.", 这是真的, 说的没错),
# confirm them by ellipsis ("And he will.", 会的), apply them to the reader ("This applies to you.", 说的就是你),
# restate them with a pronoun ("But he will come to you."), deny the distance ("This is not a scam.", 不是吓唬你),
# menace the reader ("You'll see.", 等着瞧), have the sender act ("We will too.", 我们也会) or demand payment ("Pay
# today."). Any of these in another sentence, or after the words in their own, and no frame covers them.

#: agreement with what was said; a negator or "wrong"/"false" inside the match keeps the distance
_EN_AGREES = re.compile(
    r"\b(?:they|he|she|it|that|this|which|what (?:they|he|she|the \w+|scammers?|callers?) (?:say|says|said|claim|"
    r"claims|claimed|told you|tell you)|(?:the |those |these )?(?:scammers?|callers?|fraudsters?|impostors?|"
    r"imposters?))"
    r"(?: (?:is|are|was|were|s|re|do|does|did|have|has|got|get|may|might|could|will|would|can|be|ll)){0,2}"
    r"(?: (?:absolutely|completely|totally|quite|exactly|dead|so|all|actually|really|partly|not|never|n t|t|half))*"
    r" (?:right|true|correct|accurate|real|legit|legitimate|genuine|serious|spot on|telling the truth|not lying|"
    r"not wrong|(?:a )?point)\b(?! (?:that|of|to|about)\b)"
)
_EN_AGREE_ALONE = re.compile(
    r"^(?:and |but |oh |so |well )?(?:true|correct|right|indeed|exactly|yes|yep|yeah|absolutely|facts?|all true|"
    r"so true|that s right|that s true|it s true|this is real|it s real|for real|very real|no lie|no joke|"
    r"believe it|it is true|that is true|that is right)(?: (?:though|indeed|this time|in your case|for you))?$"
)
_EN_AGREE_NEGATED = re.compile(r"\b(?:not|never|n t|t|wrong|false|lying|lie|lies)\b")
#: "none of it is true", "nothing they say is true": a negator just before the agreement keeps the distance
_EN_NEGATED_BEFORE = re.compile(r"\b(?:none of|nothing|not|no|neither|never|none)(?: \w+){0,3} $")
#: a denied denial: "They aren't wrong.", "He is not bluffing."
_EN_NOT_WRONG = re.compile(
    r"\b(?:they|he|she|it|that|this|scammers?|callers?)(?: (?:are|is|were|was|re|s))? (?:not|n t|never|aren t|isn t|"
    r"weren t|wasn t)(?: \w+)? (?:wrong|lying|mistaken|bluffing|kidding|joking)\b"
)
#: the distance denied, the words applied to the reader, a menace
_EN_OWNS = re.compile(
    r"\b(?:(?:is|are|s|re) not (?:a |an |some )?(?:scam|joke|bluff|drill|hoax|lie|fake|empty threat|game|prank)s?"
    r"|(?:this|it|that) (?:isn t|aren t|is no|s no) (?:a |an )?(?:scam|joke|bluff|drill|hoax|lie|fake|empty threat|"
    r"game|prank)|not (?:joking|kidding|bluffing|lying|playing)|no (?:joke|bluff|kidding)"
    r"|(?:we|i) mean (?:it|that|this|business)|(?<!not )(?<!n t )(?<!never )believe (?:them|it|him|her|me|us|what "
    r"(?:they|he|she) (?:say|says|said))|(?<!not )(?<!n t )(?<!never )take (?:it|them|this|that|the threat|the "
    r"warning) (?:seriously|literally)"
    r"|(?:it|that|this|all of this|all that) (?:will|ll|is going to|s going to|is gonna|s gonna) (?:happen|come true)"
    r"|(?:this|that|it|which|the same|the warning|the threat) (?:applies|apply|goes|refers|is addressed) to you"
    r"|(?:that|this|it) (?:means|includes|concerns|is about|s about|describes) you"
    r"|(?:including|especially|particularly|yes|that means|meaning|even) you|you (?:re|are|will be|ll be) next"
    r"|in your case|your turn|same (?:goes )?for you|for you (?:it|this|that) (?:is|s) (?:real|true|different)"
    r"|you (?:ll|will) (?:regret|be sorry|wish)|you (?:ll|will) (?:see|find out)$|wait and see|just wait$"
    r"|(?:will|is going to|s going to|ll|shall) happen to you|happens? to (?:you|people like you|those like you|"
    r"debtors like you|borrowers like you|people who don t pay)|(?:but )?not (?:this time|in your case|for you)"
    r"|think (?:about|of|hard about) what (?:happens|will happen|could happen|can happen|happened)"
    r"|(?:^|(?<=, ))not (?:a |an )?(?:scam|joke|bluff|drill|hoax|lie|prank)|see you (?:tonight|tomorrow|soon|there|at|"
    r"in|on|then)|(?:we ll|we will|we re|we are) (?:be )?(?:seeing|waiting for) you"
    r"|you have been warned|(?:we|i) (?:agree|concur|will too|ll too|will as well|ll as well|do too|can too)"
    r"|so (?:will|would|do|can|shall) (?:we|i|they|he|she)|(?:we|i) (?:will|ll|shall|would) do (?:it|that|the same|so))\b"
)
#: an ellipsis that confirms what was said: "And he will.", "They will.", "He really is.", "He will be there."
_EN_ELLIPSIS = re.compile(
    r"^(?:(?:and|but|oh|yes|yeah|so|trust me|believe me|well|because|cause) )*"
    r"(?:he|she|they|it|we|i|someone|somebody|the \w+|that|this)"
    r" (?:will|ll|would|is|s|are|re|does|do|can|shall|must|really|definitely|surely|certainly|actually)"
    r"(?: (?:will|is|are|be|do|does|really|definitely|surely|certainly|indeed|too|also|soon|tonight|tomorrow|today|"
    r"come|coming|there|on (?:his|her|their|the|its) way))*$"
)
#: a pronoun restating the words as fact: "But he will come to you.", "They will arrest you tonight."
_EN_ANAPHOR = re.compile(
    r"\b(?:he|she|they|it|that|this|someone|somebody|the same)"
    r" (?:will|ll|is going to|s going to|are going to|re going to|is gonna|are gonna|s gonna|re gonna|is coming|"
    r"are coming|s coming|re coming|(?:is|s) on (?:his|her|their|the|its) way|(?:are|re) on (?:their|the) way|really will|"
    r"definitely will|surely will|certainly will)(?P<rest>(?: \w+){0,8})"
)
_EN_NONPAYMENT = re.compile(
    r"\b(?:who|that|if you|if they|when you) (?:do not|don t|dont|did not|didn t|fail to|refuse to|won t|will not|never|"
    r"can t|cannot|still don t) (?:pay|settle|repay|respond|call back)\b"
)
#: … unless the sentence offers help ("If you cannot pay, call us to agree a plan.")
_EN_HELP_OFFER = re.compile(
    r"\b(?:plans?|help|options?|support|agree|discuss|arrangement|hardship|talk|advice|assist|affordable|budget)\b"
)
_EN_TOWARDS = re.compile(r"\b(?:coming|way)\b")
#: what a pronoun does after "will" when it describes the scammer rather than restating the threat
_EN_REPORTING = frozenset(
    [
        "threaten",
        "threatens",
        "say",
        "says",
        "claim",
        "claims",
        "tell",
        "tells",
        "demand",
        "demands",
        "pretend",
        "pretends",
        "ask",
        "asks",
        "insist",
        "insists",
        "try",
        "tries",
        "use",
        "uses",
        "send",
        "sends",
        "call",
        "calls",
        "text",
        "texts",
        "email",
        "pose",
        "poses",
        "often",
        "usually",
        "likely",
        "probably",
        "then",
        "also",
        "sound",
        "seem",
        "appear",
        "look",
        "want",
        "pressure",
        "urge",
        "rush",
        "not",
        "never",
    ]
)
_EN_HARM = frozenset(
    [
        "come",
        "comes",
        "coming",
        "visit",
        "arrest",
        "arrested",
        "jail",
        "prison",
        "show",
        "knock",
        "pick",
        "seize",
        "sue",
        "hurt",
        "kill",
        "beat",
        "break",
        "hunt",
        "post",
        "publish",
        "shame",
        "ruin",
        "fire",
        "door",
        "house",
        "home",
        "work",
        "workplace",
        "job",
        "family",
        "kids",
        "children",
        "wife",
        "husband",
        "boss",
        "employer",
        "there",
        "tonight",
        "tomorrow",
    ]
)
_EN_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "be",
        "is",
        "are",
        "will",
        "ll",
        "you",
        "your",
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "there",
        "here",
        "who",
        "what",
        "which",
        "say",
        "says",
        "said",
        "claim",
        "claims",
        "may",
        "might",
        "can",
        "could",
        "would",
        "should",
        "do",
        "does",
        "did",
        "not",
        "no",
    ]
)
#: the sender acting in another sentence ("We will too.", "We're coming as well.", "I will be at your door.")
_EN_SENDER_ACTS = re.compile(
    r"\b(?:we|i) (?:ll|will|shall|are going to|re going to|am going to|m going to|are gonna|re gonna|m gonna|"
    r"are coming|re coming|am coming|m coming)(?P<rest>(?: \w+){0,8})"
)
_EN_SENDER_ADVERBS = frozenset(["always", "only", "also", "gladly", "happily", "be", "happy", "glad", "to"])
_EN_SENDER_HELPS = frozenset(
    [
        "never",
        "not",
        "always",
        "only",
        "help",
        "assist",
        "verify",
        "check",
        "confirm",
        "answer",
        "explain",
        "identify",
        "use",
        "send",
        "write",
        "protect",
        "keep",
        "be",
        "investigate",
        "report",
        "look",
        "support",
        "gladly",
        "happily",
    ]
)
#: a demand in another sentence ("Pay today.", "Pay up or else."), not an offer of help ("If you can't pay, call us")
_EN_DEMAND = re.compile(
    # (not the verb of a condition: "… unless you pay at once" is the report's condition, a scammer's words)
    r"\b(?:or else|(?<!to )(?<!unless you )(?<!unless u )(?<!until you )(?<!until u )pay (?:up|now|today|tonight|immediately|right away|at once|asap|in full today)|(?:make|send) "
    r"(?:a |the |your )?payment (?:now|today|tonight|immediately|right away))\b"
)


def _en_takes_back(o: str, said: frozenset[str], whole: bool) -> bool:
    """``o`` (word view) takes the framed words back; ``whole``: it is another sentence or follows the words in
    theirs (not the frame before them, which is only read for agreement)."""
    o = o.strip()
    if not o:
        return False
    if any(
        not _EN_AGREE_NEGATED.search(m.group(0)) and not _EN_NEGATED_BEFORE.search(o[: m.start()])
        for m in _EN_AGREES.finditer(o)
    ):
        return True
    if _EN_OWNS.search(o) or _EN_NOT_WRONG.search(o):
        return True
    if not whole:
        return False
    if _EN_AGREE_ALONE.match(o) or _EN_ELLIPSIS.match(o) or _EN_DEMAND.search(o):
        return True
    for m in _EN_ANAPHOR.finditer(o):
        rest = m.group("rest").split()
        if rest and rest[0] in _EN_REPORTING:
            continue
        if not rest or set(rest) & said or set(rest) & _EN_HARM:
            return True
        # on the way or coming, to the reader: "He's on his way to you right now."
        if _EN_TOWARDS.search(m.group(0)) and {"you", "your"} & set(rest):
            return True
    # the sender and non-payment in one sentence: "… people who do not settle with us."
    if _EN_NONPAYMENT.search(o) and _EN_FIRST_PERSON.search(o) and not _EN_HELP_OFFER.search(o):
        return True
    for m in _EN_SENDER_ACTS.finditer(o):
        # the sender's future act takes the words back unless it is a denial or an offer of help or identification
        # ("We will never …", "We will always use our registered name", "We'll help you check"): fail closed
        rest = m.group("rest").split()
        while rest and rest[0] in _EN_SENDER_ADVERBS:
            rest = rest[1:]
        if not rest or rest[0] not in _EN_SENDER_HELPS or set(rest) & (said | _EN_HARM):
            return True
    return False


#: Chinese (compact view): agreement, distance denied, the words applied to the reader, a menace
_CN_TAKES_BACK = re.compile(
    r"(?<![不非])(?:是真的|是真事|属实|不假|是实话|是事实|确有其事|确实如此|的确如此|千真万确|一点不假|真的会|真会|说到做到|言出必行)"
    r"|(?<![不非])(?:说|讲)(?:得|的)?(?:没错|对|不错|没毛病|在理)|没有?说错|(?<![不非])(?:是)?对的$"
    r"|(?:不是|并非|绝非|可不是)(?:在)?(?:诈骗|骗局|骗子|骗你|吓唬你|吓你|恐吓|开玩笑|闹着玩|说着玩|假的|虚的|说说而已)"
    r"|不开玩笑|别(?:不信|以为是(?:诈骗|骗局|假的|骗子|开玩笑|吓唬))"
    r"|(?<![不勿别要相])(?:相信|信)(?:他们|他|她|我们|我|吧)|(?<![不勿别])要相信"
    r"|说的就是你|就是(?:说|指|在说)?(?:你|您)(?![的们])|(?:包括|尤其是|特别是)(?:你|您)(?![的们])|适用于(?:你|您)"
    r"|(?:你|您)也(?:一样|不例外|跑不掉|逃不掉)|(?:你|您)(?:就是)?下一个|轮到(?:你|您)|等着瞧|走着瞧|等着吧|你等着|你会后悔"
    r"|你就知道了|到时候你就|好自为之|自求多福|看着办|掂量掂量|掂量一下|好好想想|想清楚|(?:明天|今晚|晚上|回头|到时|到时候|下午|周末|改天|门口)见|(?:这次|这回|这一次|对你)(?:可|就|却)?(?:不是|并不是|并非|不算)"
)
#: a whole sentence that confirms by ellipsis (会的。/ 他真的会。/ 没错。)
_CN_ELLIPSIS = re.compile(
    r"^(?:而且|并且|但|但是|可|是的|对)?(?:他们|他|她|对方|有人|这|那|我们|咱们)?(?:真的|一定|肯定|确实|也|迟早|马上|很快|今晚|明天|就)*"
    r"会(?:的|来|去|做到|这样做|这么做)?$|^(?:没错|对|是的|对的|确实|的确|真的|当真|属实)$"
)
_CN_SENDER_ACTS = re.compile(
    r"(?:我们|我司|我方|咱们|咱|本公司|本平台)(?:也|就|都|马上|明天|今天|今晚|一定|肯定|随时|会|将|要|准备|打算|这就|说到)"
    r"|(?<!自)我(?:也|就|马上|明天|今天|今晚|一定|肯定|随时|会|将|要|准备|打算|这就)"
)
_CN_SENDER_HELPS = re.compile(
    r"(?:也|都|会|将|一定|始终|一直|就)*(?:不|绝不|从不|从未|决不|没有|提醒|提示|郑重|建议|敬告|呼吁|协助|帮助|帮您|帮你|核实|配合|"
    r"保护|保障|严格|致力|欢迎|接受|及时|持续|加强|联系您|通过官方)"
)
_CN_DEMAND = re.compile(r"再不|否则|不然|立即还|立刻还|马上还|赶紧还|今天之内还|限你")


def _cn_takes_back(o: str, whole: bool) -> bool:
    """As ``_en_takes_back``, for Chinese (``o`` is a compact view)."""
    if not o:
        return False
    if _CN_TAKES_BACK.search(o):
        return True
    if not whole:
        return False
    if _CN_ELLIPSIS.match(o) or _CN_DEMAND.search(o):
        return True
    for m in _CN_SENDER_ACTS.finditer(o):
        if not _CN_SENDER_HELPS.match(o, m.end() - 1) and not _CN_SENDER_HELPS.match(o, m.end()):
            return True
    return False


_SENTENCE_STRIP = re.compile(r"^[\W_]+|[\W_]+$")


def _sentences(text: str) -> list[tuple[int, int]]:
    out, a = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((a, m.end()))
        a = m.end()
    if a < len(text):
        out.append((a, len(text)))
    return out


def taken_back(text: str, start: int, end: int) -> bool:
    """The rest of ``text`` takes back the words ``text[start:end]`` (``_taken_back`` over their sentence)."""
    s, e = _sentence(text, start, end)
    return _taken_back(text, s, e, start, end)


def _taken_back(text: str, s: int, e: int, start: int, end: int) -> bool:
    """The rest of ``text`` takes back the framed words ``text[start:end]`` of the sentence ``[s, e)``: in another
    sentence, or after the words in theirs, or (agreement only) before them in theirs (see above)."""
    said = frozenset(
        w for w in normalise(text[start:end]).words.text.split() if len(w) > 2 and w not in _EN_STOP
    )
    parts = [(text[s:start], False, False), (text[end:e], True, False)]
    parts += [(text[a:b], True, True) for a, b in _sentences(text) if (a, b) != (s, e)]
    for part, whole, other in parts:
        if not part.strip():
            continue
        compact, words, has_cjk, has_latin = _views(part)
        if has_cjk and _cn_takes_back(compact, whole):
            return True
        if has_latin and _en_takes_back(words, said, whole):
            return True
        # a condition on the reader in a sentence of its own ("… Unless you ignore this letter."); inside the words'
        # sentence it is the scammer's ("Fake collectors say a warrant will be issued unless you call back today")
        if other and has_latin and _EN_UNLESS.search(words):
            return True
        # … and so must a later clause of the words' own sentence that speaks to the reader, has a verb of its own or
        # is an order ("…, so leave the door open for him.", "…，你明天在家等着。")
        if whole and not other and _clause_takes_back(part):
            return True
        # fail closed: another sentence must itself read as part of a warning (a scam word, advice, a denial, the
        # scammer described, the sender's help) — "Tonight you will meet him.", "See you there.", 明天见。 take the
        # words back as surely as "They are right."
        if (
            other
            and compact
            and not (
                (has_cjk and (_CN_NEUTRAL.search(compact) or _cn_procedure(part)))
                or (has_latin and _EN_NEUTRAL.search(words))
            )
        ):
            return True
    return False


_EN_UNLESS = re.compile(r"\bunless (?:you|u)\b")
_CLAUSES = re.compile(r"[,，;；:：、]")
_CLAUSES_NOT_LIST = re.compile(r"[,，;；:：]")
_CN_ENUM = re.compile(r"、[^，,；;：:。！？!?]{0,12}?等(?!着|待|你|您|一下|会)")
_EN_NOT_AN_ORDER = frozenset(
    [
        "especially",
        "including",
        "such",
        "like",
        "or",
        "and",
        "nor",
        "by",
        "via",
        "with",
        "through",
        "in",
        "on",
        "to",
        "for",
        "from",
        "as",
        "often",
        "usually",
        "even",
        "which",
        "who",
        "that",
        "where",
        "when",
        "while",
        "because",
        "since",
        "if",
        "unless",
        "until",
        "before",
        "after",
        "than",
        "then",
        "so",
        "but",
        "also",
        "at",
        "into",
        "about",
        "without",
        "the",
        "a",
        "an",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "our",
        "any",
        "all",
        "some",
        "no",
        "not",
        "never",
    ]
)
_EN_YOU_OR_WE = re.compile(r"\b(?:you|your|u|ur|we|us|our|i|me|my)\b")
_CN_YOU_OR_WE_OR_WHEN = re.compile(r"你|您|我|咱|明天|今晚|今天|马上|等着|准备|到时")
_EN_CONJ = frozenset(["and", "so", "but", "then", "or"])
_EN_REPORTED = frozenset(
    ["that", "saying", "claiming", "threatening", "demanding", "telling", "asking", "insisting", "warning"]
)


#: a verb of a report's list with the reader as object and no subject of its own: "sue you", "take away your …"
_EN_REPORT_LIST = re.compile(
    r"^(?!(?:they|he|she|we|i|it|you|the|a|our|someone|somebody|police|sheriffs?|officers?|deputies|agents?)\b)"
    r"[a-z]+(?: [a-z]+)? (?:you|your)\b"
)
_EN_WHEN = re.compile(
    r"\b(?:today|tonight|tomorrow|now|soon|morning|evening|night|week|hours?|minutes?|o ?clock)\b"
)


def _clause_takes_back(after: str) -> bool:
    """A clause after the first of ``after`` (the rest of the words' sentence) that is not part of a warning and
    speaks to the reader or as the sender, has a verb of its own, or is an order."""
    # (the enumeration comma 、 of a list closed by 等 joins its items — 以上门、起诉、拘留等方式威胁您 — and is no clause
    # break there; elsewhere it is one: 谨防骗子称明天上门、你在家等着)
    seps = _CLAUSES_NOT_LIST if _CN_ENUM.search(after) else _CLAUSES
    pieces = re.split(f"({seps.pattern})", after)
    for sep, clause in zip(pieces[1::2], pieces[2::2], strict=True):
        if not clause.strip():
            continue
        compact, words, has_cjk, has_latin = _views(clause)
        # 2026-12-05 (linzh): after 、 the next item of the reported list (说要爆你通讯录、上门找你家人，请立即报警): no
        # subject of its own (你在家等着 has one), no sender and no time (…、明天就到 has one); short
        if has_cjk and sep == "、" and _cn_list_item(compact):
            continue
        # … and a clause that goes on with the report (骗子常冒充银行客服，称您的征信有问题，…): a reporting verb first,
        # no sender in it
        if has_cjk and _CN_REPORT_GOES_ON.match(compact) and not _cn_first_person(compact):
            continue
        if has_cjk and not _CN_NEUTRAL.search(compact) and _CN_YOU_OR_WE_OR_WHEN.search(compact):
            return True
        if has_latin and not _EN_NEUTRAL.search(words) and not _EN_LIST_ITEM.match(words):
            toks = words.split()
            while toks and toks[0] in _EN_CONJ:
                toks = toks[1:]
            # more of the report ("…, but that you can pay a fine to avoid …"), unless the sender is in it
            if toks and toks[0] in _EN_REPORTED and not _EN_FIRST_PERSON.search(words):
                continue
            # … or the next verb or noun of the report's list, with no subject, time or sender of its own ("They
            # might threaten to arrest you, sue you, … or deport you", "… put you in prison, or take your property
            # unless you pay", "because they mention police, arrest, jail, or immediate enforcement")
            if not _EN_FIRST_PERSON.search(words) and not _EN_WHEN.search(words):
                rest = " ".join(toks)
                if _EN_REPORT_LIST.match(rest) or (
                    len(toks) <= 3 and not _EN_FINITE.search(rest) and not _EN_YOU_OR_WE.search(rest)
                ):
                    continue
            order = bool(toks) and toks[0] not in _EN_NOT_AN_ORDER
            if order or _EN_FINITE.search(words) or _EN_YOU_OR_WE.search(words):
                return True
    return False


_CN_REPORT_GOES_ON = re.compile(
    r"(?:并|还|又|再|则|就|便|会|常|常常|往往|通常|一般|多)?(?:称|声称|谎称|自称|假称|宣称|扬言)"
)
_CN_ITEM_NOT = re.compile(
    r"^(?:你|您|我|咱|他|她)|我|咱|明天|今晚|今天|马上|等着|准备|到时|现在|立刻|立即|随时|一会"
)


def _cn_list_item(compact: str) -> bool:
    """A clause after 、 that is one more item of a list: short, with no subject, sender or time of its own."""
    return 0 < len(compact) <= 10 and not _CN_ITEM_NOT.search(compact)


@lru_cache(maxsize=512)
def _views(part: str) -> tuple[str, str, bool, bool]:
    """A sentence's compact view (punctuation stripped at both ends) and word view: the sentences of a letter are
    read once for all the findings a frame covers in it."""
    n = normalise(part)
    return _SENTENCE_STRIP.sub("", n.compact.text), n.words.text, n.has_cjk, n.has_latin


#: a sentence that reads as part of a warning (``_taken_back``)
_EN_NEUTRAL = re.compile(
    r"\b(?:scams?|scammers?|scammed|fraud\w*|fake\w*|bogus|phony|phoney|impostors?|imposters?|impersonat\w*|"
    r"pretend\w*|posing|spoof\w*|phishing|hoax\w*|con artists?|crooks?|criminals|tricks?|suspicious|beware|warning|"
    r"alert|caution|careful|lying|lies|liars?|false|untrue|wrong|made up|not|never|no|nobody|none|nothing|t|cannot|"
    r"report|hang up|verify|check|ignore|delete|block|protect|stay safe|official|registered|genuine|help|advice|"
    r"civil|lawfully|legal aid|ftc|cfpb|bbb|police report|attorney general|thanks?|thank you|regards|sincerely|"
    r"faithfully|dear|hello|hi|customer|customers|bank|banking|credit union|credit|finance|financial|ltd|limited|inc|"
    r"llc|plc|team|care|services?|support|your (?:account|balance|payment|plan|details|statement) (?:is|remains|are))\b"
    r"|^(?:please )?(?:call|contact|ask|visit|go to|look up|remember|keep|stay|note|if|when|before|after|only)\b"
    r"|^(?:they|he|she|the caller|callers|these callers|such callers|it)(?: (?:may|might|can|could|often|usually|"
    r"sometimes|typically|will|ll|also|then|even|frequently|often will|will often|may also)){0,2} "
    r"(?:threaten|say|claim|tell|demand|pretend|ask|insist|try|use|send|call|text|email|pose|sound|seem|appear|look|"
    r"want|pressure|urge|rush|spoof|know|have|give|make|get|request|instruct)\w*\b"
    r"|^(?:we|i|our \w+)(?: (?:will|ll|can|are|re|am|m|would))?(?: (?:always|only|also|happy to|glad to))* (?:use|call|"
    r"identify|send|write|help|assist|verify|confirm|check|answer|explain|give|remind|urge|advise|encourage)\w*\b"
)
_CN_NEUTRAL = re.compile(
    r"骗|诈|冒充|假冒|冒用|伪造|伪装|谨防|警惕|提防|防范|当心|小心|不法|虚假|假的|套路|陷阱|可疑"
    r"|请|不要|勿|切勿|别信|不信|拨打|报警|核实|核查|查证|挂断|如有疑问|咨询|举报|投诉|官方|客服|热线|协商|协助|帮助"
    r"|不会|不是|不能|没有|并非|绝不|从不|不得|无需|无须|不必|不用|从未|均为|属于|一律"
    # an explanation's words (lin-zh, seventh session: "…律师函的合法性主要取决于其合理性", "司法局根本不管债务纠纷")
    r"|不管|无权|合法|合规|合理|取决于"
    r"|谢谢|感谢|祝|尊敬的|您好|银行|公司|金融|团队|平台|中心"
)


# 骗子 as the noun of a scam warning (警惕骗子冒充催收人员, 骗子常以…为由, 遇到骗子请报警), not said to the borrower (你这个
# 骗子, 你们这些骗子, 骗子！): a warning word before it in its clause or a scammer's doing after it, and no 你/您 before it
# in its clause, and not an exclamation of its own.
_CN_SCAM_HEAD = re.compile(
    r"(?:警惕|谨防|提防|小心|防范|识别|遇到|遇上|当心|防止|举报|远离|揭穿|打击|防|谨慎|碰到|上当|受)$"
)
_CN_SCAM_DOES = re.compile(
    r"^(?:们|团伙|分子)?(?:常|常常|往往|通常|一般|多|会|还|也|则|就|便|都|正在|经常|可能)*"
    r"(?:冒充|假冒|假扮|称|说|声称|谎称|自称|以|通过|利用|打来|发来|要求|诱导|诱骗|盗用|伪造|编造|骗取|索要|威胁|恐吓|"
    r"的(?:手段|话术|伎俩|套路|电话|短信|链接|陷阱|圈套|骗术)|手段|话术|伎俩|套路)"
)
_CN_READER = re.compile(r"你|您")


def _cn_scammer_noun(text: str, s: int, e: int, start: int, end: int) -> bool:
    after = text[end:e]
    if re.match(r"\s*[!！]", after):
        return False
    clause = re.split(r"[，,；;：:、]", text[s:start])[-1]
    cb = normalise(clause).compact.text if clause.strip() else ""
    if _CN_READER.search(cb):
        return False
    ca = normalise(after).compact.text if after.strip() else ""
    return bool(_CN_SCAM_HEAD.search(cb) or _CN_SCAM_DOES.match(ca))


# The words every English frame needs (read off the expressions above): a warning or verdict word; or an agent
# with a reporting verb; or a negator with a contact verb. A set intersection over the text's words says cheaply
# whether the expressions can match at all (a test checks it never says no where one does).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_STRONG = _words(
    "scam scams scammer scammers fraud frauds fraudster fraudsters fraudulent hoax hoaxes fake fakes bogus phony phoney "
    "impostor impostors imposter imposters spoofer spoofers crook crooks criminals thieves beware wary careful watch "
    "warning red threatened illegal unlawful law allowed harassment breaking violating breach because mention "
    "mentions true untrue false lie lies lying bluffing bluff"
)
_EN_AGENTS = _words(
    "con conartist conartists caller callers someone anyone people person persons anybody somebody they "
    "collector collectors creditor creditors lender lenders bailiff bailiffs agent agents police officer officers "
    "sheriff sheriffs deputy deputies marshal marshals constable constables court courts judge judges authorities"
)
_EN_REPORTS = _words(
    "say says said claim claims claimed claiming tell tells told threaten threatens threatened threatening insist "
    "insists pretend pretends pretending warn warns demand demands demanding posing poses pose"
)
_EN_NEGATORS = _words("not t never no")
_EN_CONTACTS = _words(
    "call calls text texts email mail contact contacts phone ask asks demand demands threaten threatens"
)


def _en_words_may_frame(words: str) -> bool:
    toks = set(words.split())
    if not toks.isdisjoint(_EN_STRONG):
        return True
    if not toks.isdisjoint(_EN_AGENTS) and not toks.isdisjoint(_EN_REPORTS):
        return True
    return not toks.isdisjoint(_EN_NEGATORS) and not toks.isdisjoint(_EN_CONTACTS)


#: an insult as the abuse a notice tells the reader to report (2026-12-05, linzh): 如有催收人员骂您老赖、人渣，请拨打投诉
#: 电话; 催收人员不得辱骂债务人，如骂您混蛋，可向银保监会投诉; 凡是骂你废物的，都是违规催收. A condition (如, 若, 凡是,
#: 遇到 …) and a verb of abuse (骂, 辱骂, 称, 说 …) before the word, the word in the verb's clause; the abuser named
#: in the sentence before the word (催收人员, 有人, 对方 … or 凡是: anyone); advice to the reader (投诉, 举报, 报警 …) or a
#: verdict (都是违规催收) after it in the sentence; the sender neither acts nor demands payment in it (``_cn_senders``:
#: 如果你不还，我们就说你是老赖 stays an insult), and nothing in the text takes the words back
_CN_ABUSE_IF = re.compile(
    r"(?:如|若|如果|假如|倘若|一旦|要是|若是|凡是?|遇到|碰到|如遇|若遇)[^，,。；;！!？?]{0,14}?"
    r"(?:辱骂|谩骂|骂|称呼|称|叫|说)"
)
_CN_ABUSER = re.compile(
    r"催收人员|催收员|催收方|催收公司|催收机构|讨债公司|讨债人员|工作人员|客服人员|业务员|有人|对方|他们|第三方|凡"
)


def _cn_abuse_reported(text: str, start: int, end: int) -> bool:
    """The insult ``text[start:end]`` is the abuse a notice tells the reader to report (see ``_CN_ABUSE_IF``)."""
    s, e = _sentence(text, start, end)
    before, finding, after = text[s:start], text[start:end], text[end:e]
    nb = normalise(before)
    conditions = list(_CN_ABUSE_IF.finditer(nb.compact.text))
    if not conditions or not _CN_ABUSER.search(nb.compact.text):
        return False
    last = conditions[-1]  # the nearest before the word
    _, verb_end = nb.compact.span(last.start(), last.end())
    if verb_end < len(before) - 16 or _CN_SENTENCE_CLAUSE.search(before, verb_end):
        return False
    ca = normalise(after).compact.text
    if not (_CN_ADVICE.search(ca) or _CN_AFTER.search(ca)):
        return False
    return not _cn_senders(before, finding, after, None) and not _taken_back(text, s, e, start, end)


def reported_only(norm: Normalised, raws: Sequence[_Span]) -> set[int]:
    """Indices of the findings in ``raws`` that a warning frame in their sentence covers (see the module notes)."""
    text = norm.original
    # which language's frames can matter: a finding whose words are Chinese is framed in Chinese, one whose words
    # are Latin in English (a warning's frame and the words it quotes share the sentence, and so its language)
    want_cn = want_en = False
    for r in raws:
        if r.category in _COVERED or r.category == "insult":
            if text[r.start : r.end].isascii():
                want_en = True
            else:
                want_cn = True
    # a frame must be somewhere in the text for one to cover a finding: one search of each view says whether
    # (the word view has no commas, which only ever narrow a frame, so this never misses one)
    compact, words = norm.compact.text, norm.words.text
    cn = (
        want_cn
        and norm.has_cjk
        and bool(_CN_ANY.search(compact))
        and bool(_CN_BEFORE.search(compact) or _CN_AFTER.search(compact))
    )
    en = (
        want_en
        and norm.has_latin
        and _en_words_may_frame(words)
        and bool(
            _EN_BEFORE.search(words)
            or _EN_AFTER.search(words)
            or _EN_SUBJECT_ANYWHERE.search(words)
            or (not _EN_PARTICIPLE_WORDS.isdisjoint(words.split()) and bool(_EN_AGENT_NOUN.search(words)))
        )
    )
    # 骗子 as the noun of a scam warning (``_cn_scammer_noun``) needs no other frame
    scam_noun = want_cn and norm.has_cjk and "骗子" in compact
    # an institution's statement of its own procedure (``_cn_procedure``) needs no other frame
    procedure = want_cn and norm.has_cjk and bool(_CN_PROCEDURE_ANY.search(compact))
    # text about collection (``_cn_about_collection``) needs no other frame either
    hints = _cn_about_hints(compact, text) if want_cn and norm.has_cjk else (False, False, False)
    about = any(hints)
    # abuse a notice tells the reader to report (``_cn_abuse_reported``): its condition and verb in the text
    abuse = want_cn and norm.has_cjk and bool(_CN_ABUSE_IF.search(compact))
    if not (cn or en or scam_noun or procedure or about or abuse):
        return set()
    out: set[int] = set()
    for i, r in enumerate(raws):
        if r.category == "insult":
            if abuse and _cn_abuse_reported(text, r.start, r.end):
                out.add(i)
                continue
            # the insult is the verdict word itself ("…的，都是骗子") or the scammer of a warning (警惕骗子冒充…), not a
            # word said to the borrower
            word = normalise(text[r.start : r.end]).compact.text
            if not (norm.has_cjk and any(v in word for v in _CN_VERDICT_WORDS)):
                continue
            s, e = _sentence(text, r.start, r.end)
            # … and never said of the reader or the reader's family: 你全家都是骗子, 你们都是骗子 (2026-12-04, lin-zh)
            if _CN_SAID_OF_READER.search(normalise(text[s : r.end]).compact.text):
                continue
            if (
                _CN_AFTER.search(normalise(text[max(s, r.start - 4) : e]).compact.text)
                or _cn_scammer_noun(text, s, e, r.start, r.end)
            ) and not _taken_back(text, s, e, r.start, r.end):
                out.add(i)
            continue
        if r.category not in _COVERED:
            continue
        s, e = _sentence(text, r.start, r.end)
        if (
            procedure
            and r.category in _CN_PROCEDURE_COVERS
            and _cn_procedure(text[s:e])
            and not _taken_back(text, s, e, r.start, r.end)
        ):
            out.add(i)
            continue
        read = _cn_about_collection(text, s, e, r.start, r.end, r.category, hints) if about else None
        if read is not None and not _taken_back(read, s, e, r.start, r.end):
            out.add(i)
            continue
        if not (cn or en):
            continue
        before, finding, after = text[s : r.start], text[r.start : r.end], text[r.end : e]
        tail = _short_sentence_after(text, e)
        if (
            (en and _en_framed(before, finding, after, tail))
            or (cn and _cn_framed(before, finding, after, tail))
            or (en and _en_continues_report(text, s, before, finding, after, tail))
        ) and not _taken_back(text, s, e, r.start, r.end):
            out.add(i)
    return out


#: a sentence that goes on with a named scammer's report: "They will often ask for gift cards." after "Scammers claim
#: …" (a pronoun, a modal or two, a reporting verb)
_EN_CONTINUES = re.compile(
    r"^\W*(?:they|he|she|the caller|the scammer|these callers)(?: (?:may|might|can|could|often|usually|sometimes|"
    r"typically|will|ll|also|then|even|frequently|may also|will often|often will)){0,2} (?:threaten|threatens|say|says|"
    r"claim|claims|tell|tells|demand|demands|pretend|pretends|ask|asks|insist|insists|pressure|pressures|request|"
    r"requests|instruct|instructs)\b"
)


def _en_continues_report(text: str, s: int, before: str, finding: str, after: str, tail: str) -> bool:
    """The sentence ``[s, …)`` continues a named scammer's report made in the sentence before it (the agent named
    there, not "our …"), and the sender neither acts nor demands payment in it."""
    if not _EN_CONTINUES.match(_en_plain(before)) or s == 0:
        return False
    ps, _pe = _sentence(text, s - 1, s - 1)
    prev = _en_plain(text[ps:s])
    named = any(not prev[: n.start()].endswith(_FIRST_PERSON_BEFORE) for n in _EN_AGENT_NOUN.finditer(prev))
    if not named or _en_senders(prev, "", "", None):
        return False
    b, f, a = _en_plain(before), _en_plain(finding), _en_plain(after)
    return not _en_senders(b, f, f"{a} {_en_plain(tail)}" if tail else a, None)
