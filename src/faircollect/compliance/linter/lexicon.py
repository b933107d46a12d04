"""The English profanity lexicon (US-HARASS: obscene or profane language; the linter's ``insult`` category).

The words are not in this repository: they are read at import from two installed packages, without importing
either (``SOURCES``): ``better-profanity`` 0.7.0 (MIT; ``better_profanity/profanity_wordlist.txt``, 916 entries) and
``badwords-py`` 3.0.0 (``badwords/resource/words/en.txt``, 796 entries: the project's own MIT list with the
CC BY 4.0 "List of Dirty, Naughty, Obscene and Otherwise Bad Words" (LDNOOBW) and the MIT "washyourmouthoutwithsoap";
attribution in the package's NOTICE and in docs/linter.md). The engine matches the union. What this module holds is what we leave out of that list and why (``EXCLUDED``): entries that are ordinary words in
lawful collection, banking or hardship text, names and places, and words of another category (violence is the
threat grammar's, not a lexicon word's). The engine matches what is left as whole words of the word view
(``normalise.py``: lower case, separators and disguises undone, so "F.U.C.K", "f u c k" and "fuuck"-free leet such
as "sh1t" read as the plain entry) with one Aho-Corasick automaton (``engine.compiled``).

Entries written with digits, leet symbols or dots ("sh!+", "f.u.c.k", "s.o.b.", "a55") are dropped: the word view
reads those disguises as the plain entry already, and normalising the entry itself can give an ordinary word
("s.o.b." → "sob", "sh!+" → "sh"). Hyphens read as spaces ("son-of-a-bitch" → "son of a bitch"); an entry spelled
out one letter at a time ("s-h-i-t") is dropped for the same reason as the dots.

No Chinese list is used: no maintained PyPI package ships one we could read (``badwords-zh`` 1.3 ships code that
loads ``/Tmp/dd.dict`` and no list; ``badwords-py`` 3.0.0 ships 25 languages, none Chinese; ``erispulse-dfafilter``
ships a filter without words). The Chinese insults stay the hand-written ``patterns.py`` list.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

#: (package, list inside it): each read from the installed package, none copied into the repository
SOURCES: tuple[tuple[str, str], ...] = (
    ("better_profanity", "profanity_wordlist.txt"),
    ("badwords", "resource/words/en.txt"),
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: entries of the packages' lists we do not match, each group with its reason. A test checks every one is in the
#: installed list (an exclusion for a word the list lost is stale) and that none of the lawful texts we hold
#: (devcv, staged, seed corpus, real train items, the lawful probes) matches what is left.
EXCLUDED: dict[str, frozenset[str]] = {
    # ordinary words of lawful collection, banking and everyday text
    "ordinary": _words(
        "god hell organ oral orally pot rum revue sandbar seaman seamen screw screwed screwing sex sexual "
        "fat dummy loin loins maxi pawn pasty pastie omg lmao facial paddy inbred kinky lech leper lust lusting "
        "lusty molest nob penetrate penetration pms playboy poop potty prude punky racy rectus reich rump seduce "
        "shag slave slope snuff snatch souse soused strip stripclub stroke suck sucked sucking thrust tinkle "
        "toots tramp undies unwed vixen vomit voyeur vulgar wad weenie whiz willies woody xx xxx foobar flange "
        "dink dinks hump humped humping hookah hooter hooters jerked knob mams masochist muff nappy niggle "
        "nutbutter panties pantie panty pee pron puss quicky sadism sadist scantily steamy threesome ugly wazoo "
        "wedgie fingering fisted fisty fondle bestial bondage boob dopey dogging drunk extacy extasy enlargement "
        "perversion hoar tawdry spunk prick pricks tit teat titi cum cummer chink jap queer queers homoerotic "
        "transsexual lesbians gay gays gey gae gai anal bimbo lube nad nads junky jerk ass asses spick incest"
        # bondage: "debt bondage" (anti-slavery notices); chink: "a chink of light"; cum: "bedroom-cum-study",
        # "cum laude"; prick: "a finger-prick test"; boob: a blunder (UK); gay, lesbians, queer, transsexual: who
        # someone is, not an insult; bimbo: Bimbo Bakeries; lube: an oil change; nad: NAD; jerk: "a knee-jerk
        # reaction", jerk chicken (``patterns.py`` reads "jerk" as an insult with those guarded); ass: "Ass. Manager"
        # (Assistant), a donkey; asses: a misspelt "assess" ("the team asses your income"); spick: "spick and span"
    )
    # badwords-py 3.0.0's English list: ordinary words of collection, banking and legal text ("debt snowballing",
    # "currency pegging", "funds tied up", "make me come to court", a "cornhole" set, a UK "tranny" (gearbox) on a
    # car loan, a "bum bag", a water "butt", "sexually harassed" in a complaint, "paedophile" in a court letter)
    | _words(
        "balls bum butt bareback bloody domination escort eunuch grope hardcore intercourse pegging poof scat "
        "scissoring sexuality sexually sexy shrimping skeet snowballing sucks swinger topless tranny trannies "
        "undressing cornhole coq paedophile paedophiles pedophiles sodomy sodomize sexo nutten"
    )
    | frozenset(
        {
            "strip club",
            "three some",
            "cow girl",
            "cow girls",
            "tied up",
            "girl on",
            "girl on top",
            "big black",
            "tight white",
            "taste my",
            "tongue in a",
            "make me come",
            "jelly donut",
            "baby juice",
            "ball kicking",
            "barely legal",
            "hard core",
            "huge fat",
            "strap on",
            "alaskan pipeline",
            "tea bagging",
        }
    ),
    # names, surnames and places ("Dear Dick", C. Hoare & Co, Cumming GA, Virgin Money, Pollock, Wang, Weiner; from
    # badwords-py: Dik, Kunt (Dutch, Turkish names), Guro, Mong, Negros (the island), COK (the Cook Islands' code),
    # Lolita, Santorum, Twinkie, titles and the names of hate groups and symbols — not an insult at the reader)
    "names": _words(
        "dick dyke dykes fanny guido hebe hoare hooker coon cumming kum len massa nimrod pollock titi virgin "
        "wang weiner willy yury negro kummer nig arian aryan asanchez homey sodom hitler kkk klan nazi nazism cowgirl cowgirls "
        "dong dik diks mong lolita santorum octopussy babeland twinkie nambla negroes negros neonazi swastika "
        "guro cok kunt"
    )
    | frozenset({"girls gone wild", "suicide girls", "tainted love", "white power"}),
    # medicine and the body: a hardship or vulnerability disclosure names them ("surgery on my uterus")
    "medical": _words(
        "anus areole breasts clitoris crotch erect erection foreskin glans gonad gonads herpes herp herpy hiv "
        "hymen labia menses menstruate menstruation nipple nipples ovary ovum ovums penial penile penis phalli "
        "phallic pubic pubis rectal rectum scrotum semen sperm tampon teste testee testes testical testicle "
        "testis urinal urine uterus vagina vulva womb nude nudes naked "
        "abortion fecal genitals penises pubes nudity vibrator spastic nymphomania nimphomania zoophilia "
        "coprophilia urophilia dendrophilia acrotomophilia coprolagnia vorarephilia"
    )
    | frozenset({"big breasts", "spread legs", "leather restraint"}),
    # drugs, alcohol and medicines (an addiction disclosure; not profane)
    "drugs": _words(
        "heroin meth opium opiate pcp peyote valium viagra weed reefer ganja hemp hooch hootch toke stoned skag "
        "scag vodka cipa cialis"
    ),
    # violence is the threat grammar's (``grammar.py``, ``patterns.py``): as a lexicon word it reads "kill two
    # birds", "a stroke of luck", "oilseed rape"
    "violence": _words(
        "kill murder howtokill howtomurdep napalm sniper uzi rape raped raper raping rapist rapes rapey rapists "
        "daterape bastinado strappado"
    )
    | frozenset({"how to kill", "how to murder", "date rape"}),
}

_EXCLUDED_ALL = frozenset().union(*EXCLUDED.values())
_PLAIN = re.compile(r"[a-z]+(?:[ -][a-z]+)*")
_SPELLED = re.compile(r"[a-z](?:-[a-z])+")


def wordlist_path(package: str, wordlist: str) -> Path:
    """An installed package's word list, found without importing the package (better_profanity's import builds a
    censor; badwords' loads a native module)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the linter needs the {package!r} package (pyproject dependencies better-profanity, badwords-py)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / wordlist


def raw_entries() -> list[str]:
    """The packages' entries, lower case, as shipped, in ``SOURCES`` order (an entry in both lists twice)."""
    out: list[str] = []
    for package, wordlist in SOURCES:
        text = wordlist_path(package, wordlist).read_text(encoding="utf-8")
        out.extend(line.strip().lower() for line in text.splitlines() if line.strip())
    return out


@lru_cache(maxsize=1)
def profane_words() -> frozenset[str]:
    """The entries the engine matches: plain letters (hyphens read as spaces), none spelled out letter by letter,
    none excluded."""
    out = set()
    for entry in raw_entries():
        if not _PLAIN.fullmatch(entry) or _SPELLED.fullmatch(entry):
            continue
        word = entry.replace("-", " ")
        if word in _EXCLUDED_ALL or entry in _EXCLUDED_ALL:
            continue
        out.add(word)
    return frozenset(out)
