"""The kind of question asked, read off its wording: one rule per kind in one ordered table.

The first matching rule wins, so a wording that signals two kinds ("was the first round before
the April meeting?" is temporal and yes/no) gets the more specific one.
"""

from __future__ import annotations

import re

# (kind, pattern): most specific first. Patterns see the question lower-cased, with curly
# apostrophes straightened.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        # Two reports set in time: "between the report from X on D1 and ...", "after X reported
        # ..., was there a change ...", "did X change its account after ...".
        "temporal",
        re.compile(
            r"^(?:between|after|before|following|since)\b.{5,300}?\b(?:report(?:s|ed|ing)?|"
            r"article|published|coverage|piece|stor(?:y|ies)|wrote|shared|covered)\b|"
            r"\b(?:chang(?:e|es|ed|ing)|shift(?:s|ed)?|evolv\w*|consisten\w*|inconsisten\w*)\b"
            r".{0,250}\b(?:between|after|before|since|subsequent|earlier|later)\b|"
            r"\b(?:between|after|before|since)\b.{0,250}\b(?:chang(?:e|es|ed|ing)|shift(?:s|ed)?|"
            r"consisten\w*|inconsisten\w*)\b|"
            r"\b(?:earlier|later|subsequent|previous|prior|preceding)\s+(?:report|article|story|"
            r"piece|coverage)\b"
        ),
    ),
    (
        "comparison",
        re.compile(
            r"\b(?:vs\.?|versus|v|compare[ds]?|comparison|differ(?:s|ed|ent|ence|ences)?|"
            r"contrast|side by side)\b|\bhow (?:do|did|does) .{2,60}\band\b.{2,60}\b"
            r"(?:describe|report|cover|see|view|portray|characteri[sz]e|differ)|"
            # A yes/no question setting two claims against each other ("does X say A, while Y
            # says B?", "do both articles ...").
            r"^(?:does|do|did|is|are|was|were|has|have|had)\b.{10,300}?\b(?:while|whereas|"
            r"in contrast|compared (?:to|with)|unlike|as opposed to)\b|"
            r"^(?:does|do|did|is|are|was|were|has|have|had)\b.{0,300}?\bboth\b.{0,40}\b(?:articles|"
            r"reports|outlets|sources|stories|pieces|papers)\b"
        ),
    ),
    (
        "temporal",
        re.compile(
            r"\b(?:which|what) (?:came|happened|was|one was) (?:first|earlier|later|last)\b|"
            r"\bbefore or after\b|\b(?:earlier|later) than\b|\bprior to\b|"
            r"^(?:was|were|did|is|does|had)\b.{3,120}\b(?:before|after)\b|"
            r"\b(?:which|what)\b.{0,40}\b(?:first|earlier)\b.{0,60}\bor\b|"
            # "before" places one event against another; "how long/many ... before" asks a span,
            # "who/which ... before ..." a name.
            r"^(?!.*\bhow (?:long|many|much)\b)(?!(?:who|whom|which|what)\b).*\bbefore\b"
        ),
    ),
    ("count", re.compile(r"\bhow many\b|\b(?:the )?number of\b|\bhow much .{0,20}\bcount\b")),
    (
        "quote",
        re.compile(
            r"\bwho (?:said|says|told|described|called|warned|claimed|argued|wrote|stated)\b|"
            r"\bwhat (?:did|does|has|have|do) .{2,60}\b(?:say|said|tell|told|claim|argue|"
            r"think|add|comment|warn|write|mean|call|predict|reply|replied|forecast)\b|\baccording to\b|\bquote[ds]?\b|"
            r"\bhow did .{2,60}\b(?:describe|react|respond|comment)\b|\bin (?:his|her|their) words\b"
        ),
    ),
    (
        "latest",
        re.compile(
            r"\b(?:latest|newest|most recent|recently|currently|current|right now|"
            r"this (?:week|month|morning)|today|still|anything new|any news|any update|"
            r"update on|updates on|so far|as of now|at the moment|where (?:do|does|is|are) .{2,60}"
            r"\bstand)\b|\bnow\??$"
        ),
    ),
    (
        "overview",
        re.compile(
            r"\b(?:wh?at(?:'s| is)? (?:happen(?:ed|ing|d)|went down|went on|is going on|"
            r"'s going on|going on)|what(?:'s| is| was)(?: exactly)? the\b.{0,50}\b(?:deal|row|"
            r"dispute|fight|saga|controversy|fuss)(?: about| with| over)?\??$|summar(?:y|ise|ize)|tl;?dr|overview|recap|rundown|run-down|gist|"
            r"catch me up|fill me in|sum up|backstory|back story|background on|explain (?:the|what)|the story (?:with|on)|"
            r"what's the deal with|brief me|key points)\b"
        ),
    ),
    (
        "yesno",
        re.compile(
            r"^(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should|"
            r"is it true|isn't|wasn't|didn't|doesn't|hasn't)\b"
        ),
    ),
)
KINDS = (*dict.fromkeys(kind for kind, _ in RULES), "factoid")
# Slack spellings of question words ("wat happened", "hw many").
_TYPOS = {
    "wat": "what",
    "wht": "what",
    "whta": "what",
    "hw": "how",
    "hwo": "how",
    "waht": "what",
    "whats": "what's",
    "whos": "who's",
    "wats": "what's",
}
_QUOTED = re.compile(r"(?:^|\s)['\"‘“].{2,120}?['\"’”](?=\s|$|[?.,!])")
_CHATTER = re.compile(r"^(?:hey|hi|hello|pls|please|quick q(?:uestion)?|so|ok(?:ay)?)\b[\s,:!-]*")


def question_kind(question: str) -> str:
    """factoid, overview, latest, quote, comparison, temporal, yesno or count.

    >>> question_kind("what happened in istanbul")
    'overview'
    """
    text = _QUOTED.sub(" QUOTE ", question.lower().replace("’", "'")).strip()
    text = " ".join(_TYPOS.get(w, w) for w in text.split())
    while (m := _CHATTER.match(text)) and m.end():
        text = text[m.end() :]
    for kind, pattern in RULES:
        if pattern.search(text):
            return kind
    return "factoid"
