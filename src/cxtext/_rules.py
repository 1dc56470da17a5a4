"""Clause splitting, lexicon matching and rule-based opinion scoring over jieba tokens.

The unit of analysis is the clause: punctuation and contrast connectives (但是, 不过, 却 …) end one.
Inside a clause every opinion word gets a weight from the lexicon, modified by the negators and degree
adverbs just before it (不方便, 很不满意, 不是很满意), and is attached to the nearest factor or theme
term (价格便宜服务差: 便宜 → 价格, 差 → 服务). The clause's weight in the document follows its
contrast role (the clause after 但是 counts more; the one opened by 虽然 less) and expectation cues
(本以为… states an expectation, not the experience). Complaints told as facts are read by rules of
their own (waits and lateness, something owed and not given, what came instead of what was ordered),
and so are an attribute and a magnitude word together (续航短, 发热量不大: see ``attributes.tsv``).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from dataclasses import dataclass, field

from ._effort import find_waits
from ._lexicon import Lexicon

__all__ = ["TermIndex", "ClauseResult", "analyse_tokens", "attach", "squash"]

# Clause and sentence boundaries. A sentence groups clauses for contrast weighting.
_SENTENCE_END = frozenset("。！？!?\n；;…")
_CLAUSE_END = frozenset("，,、：:~～ \t\r()（）[]【】「」『』\"'“”‘’《》<>/|")
_QUESTION = frozenset("？?")
# Connectives too common in other uses to split a clause anywhere: they act only at a clause start
# (就是这家 "it is this one"; 不过如此 "nothing special"; 只是 "only").
_INITIAL_ONLY = frozenset({"就是", "只是", "不过", "可", "而是", "虽", "但", "反而"})
_GAP = 3  # at most this many unmatched characters between a modifier and what it modifies
_PARTICLES = "了啊呀呢吧的哦啦嘛哈么噢喔诶呐 "  # may follow a closing negator: 优惠都没有了啊
_POST_GAP = 2  # 优惠都没有: at most this many characters between a word and a negator after it
_WINDOW = 3  # how many tokens before an opinion word negators and degree adverbs may stand

_BUT_WEIGHT = 1.5  # a clause opened by 但是 and the like
_BEFORE_BUT_WEIGHT = 0.7  # earlier clauses of the same sentence
_ALTHOUGH_WEIGHT = 0.5  # a clause opened by 虽然
_PRIOR_WEIGHT = 0.2  # a clause stating an expectation (本以为…)
_QUESTION_WEIGHT = 0.5  # opinion words in a question are half an opinion
_NEGATED_NEGATIVE = 0.7  # 不贵, 不难吃: milder than the positive word itself
_NEGATED_DEGREE = 0.6  # 不太好, 不是很满意: softened negation
_NEGATED_FORM = "不没无"  # first characters of opinion words that carry their own negation (不好吃, 没意思)


def squash(x: float) -> float:
    """Map an unbounded score to (-1, 1); 1.0 (an ordinary opinion word) maps to 0.76."""
    return math.tanh(x)


@dataclass(frozen=True, slots=True)
class Term:
    """What the lexicon knows about one term, merged from every file."""

    weight: float | None  # sentiment, from sentiment.tsv or the aspect files' polarity
    aspects: tuple[tuple[str, str, float | None], ...]
    negator: bool
    degree: float | None
    contrast: str | None
    expectation: str | None
    attribute: int | None = None  # attributes.tsv: +1 more is better (容量), -1 more is worse (噪音)
    magnitude: int | None = None  # a magnitude word (大 +1, 小 -1): an opinion only after an attribute


def _inherited(term: str, aspects: dict[str, tuple[tuple[str, str, float | None], ...]]) -> tuple:
    """The aspects named inside a compound term (价格便宜 names 价格; 前台态度差 names 前台 and 态度).

    jieba keeps a lexicon phrase whole, so a sentiment phrase that embeds an aspect term would
    otherwise hide the aspect. Only the longest aspect terms are kept (态度恶劣, not also 态度).
    """
    n = len(term)
    if n < 3:
        return ()
    found: list[tuple[int, int, str]] = []
    for i in range(n):
        for j in range(n, i + 1, -1):
            if j - i < n and term[i:j] in aspects:
                found.append((i, j, term[i:j]))
                break
    kept = [f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g != f for g in found)]
    out: dict[tuple[str, str], None] = {}
    for _, _, sub in kept:
        for kind, id_, _ in aspects[sub]:
            out.setdefault((kind, id_), None)
    return tuple((k, i, None) for k, i in out)


# Magnitude words: "more" (+1) or "less" (-1) of whatever they follow. After an attribute of
# attributes.tsv they are an opinion (容量很大 +, 噪音大 -, 续航短 -, 发热量小 +); elsewhere they keep
# whatever sentiment.tsv gives them (少 -0.6) or none.
_MAGNITUDES = {"大": 1, "高": 1, "长": 1, "久": 1, "多": 1, "重": 1, "厚": 1, "强": 1, "足": 1,
               "小": -1, "低": -1, "短": -1, "少": -1, "轻": -1, "薄": -1, "弱": -1}


class TermIndex:
    """One dictionary from term to :class:`Term`, so matching does a single lookup per candidate."""

    def __init__(self, lexicon: Lexicon) -> None:
        terms = lexicon.terms() | set(_MAGNITUDES)
        index: dict[str, Term] = {}
        for t in terms:
            aspects = lexicon.aspects.get(t) or _inherited(t, lexicon.aspects)
            weight = lexicon.sentiment.get(t)
            if weight == 0.0:
                # a neutral phrase: it holds an opinion word but states no opinion (还没用 "not used
                # yet", not 没用 "useless"); matched whole, it keeps the shorter word from matching
                weight = None
            elif weight is None:
                pols = [p for _, _, p in aspects if p is not None]
                weight = sum(pols) / len(pols) if pols else None
            index[t] = Term(
                weight=weight,
                aspects=aspects,
                negator=t in lexicon.negators,
                degree=lexicon.degree.get(t),
                contrast=lexicon.contrast.get(t),
                expectation=lexicon.expectation.get(t),
                attribute=lexicon.attributes.get(t),
                magnitude=_MAGNITUDES.get(t),
            )
        self.terms = index
        self.max_len = max((len(t) for t in index), default=1)


# Words that open a new predicate: a negator before them does not reach past them (说了不用还一直
# 推销: 不用 is what the customer said, 一直推销 is still negative).
_BLOCKERS = frozenset({"还", "还是", "又", "却", "仍", "仍然", "依然", "照样", "竟然", "居然", "偏偏", "非要", "硬要"})
_BLOCK = Term(weight=None, aspects=(), negator=False, degree=None, contrast=None, expectation=None)


@dataclass(slots=True)
class Hit:
    """A lexicon term found in a clause (normalised offsets)."""

    term: str
    info: Term
    start: int
    end: int
    pos: int  # index among the clause's hits
    weight: float = 0.0  # the opinion after negation and degree; 0 when not an opinion word
    # Opinions attached to this hit as an aspect, per kind ("factor", "theme"): (sum, count).
    attached: dict[str, tuple[float, int]] = field(default_factory=dict)


@dataclass(slots=True)
class ClauseResult:
    start: int
    end: int
    score: float  # sum of the clause's opinions (unbounded)
    weight: float
    opinions: int
    hits: list[Hit]
    expectation: str | None
    sentence: int


def _match(tokens: list[tuple[str, int, int]], i: int, j: int, index: TermIndex) -> list[Hit]:
    """Greedy longest match over up to three tokens (jieba may still split a lexicon phrase)."""
    terms = index.terms
    max_len = index.max_len
    hits: list[Hit] = []
    k = i
    while k < j:
        tok, s, e = tokens[k]
        found = None
        # three tokens, then two (concatenated directly: this runs for every token of every text)
        if k + 2 < j:
            t2, _, end = tokens[k + 2]
            if end - s <= max_len:
                cand = tok + tokens[k + 1][0] + t2
                info = terms.get(cand)
                if info is not None:
                    found = (cand, info, end, 3)
        if found is None and k + 1 < j:
            t1, _, end = tokens[k + 1]
            if end - s <= max_len:
                cand = tok + t1
                info = terms.get(cand)
                if info is not None:
                    found = (cand, info, end, 2)
        if found is None:
            info = terms.get(tok)
            if info is not None:
                found = (tok, info, e, 1)
            elif tok in _BLOCKERS:
                found = (tok, _BLOCK, e, 1)
            elif len(tok) > 1:
                # jieba's own dictionary holds compounds such as 很棒, 不好, 太贵: split off a leading
                # negator or degree adverb so that the word and its modifier are both seen.
                for cut in (1, 2):
                    head, rest = terms.get(tok[:cut]), terms.get(tok[cut:])
                    if head is not None and rest is not None and (head.negator or head.degree is not None):
                        hits.append(Hit(tok[:cut], head, s, s + cut, len(hits)))
                        found = (tok[cut:], rest, e, 1)
                        s += cut
                        break
                else:
                    # …and compounds of an attribute and a magnitude word: 体积小, 噪音大
                    if tok[-1] in _MAGNITUDES:
                        head = terms.get(tok[:-1])
                        if head is not None and head.attribute is not None:
                            hits.append(Hit(tok[:-1], head, s, e - 1, len(hits)))
                            found = (tok[-1], terms[tok[-1]], e, 1)
                            s = e - 1
        if found is None:
            k += 1
            continue
        cand, info, end, n = found
        hits.append(Hit(cand, info, s, end, len(hits)))
        k += n
    return hits


# 好 straight before an opinion word is a degree adverb, not praise: 好慢, 好贵, 好难吃 (好 = 很).
_INTENSIFIER = Term(weight=None, aspects=(), negator=False, degree=1.5, contrast=None, expectation=None)


def _demote_intensifiers(hits: list[Hit]) -> None:
    """Make a 好 that stands straight before an opinion word a degree adverb of it."""
    for a, b in zip(hits, hits[1:]):
        if a.term == "好" and a.end == b.start and b.info.weight is not None and not b.info.negator and not a.info.aspects:
            a.info = _INTENSIFIER


# The opinion of an attribute and a magnitude word, by sign (续航短: +1 × -1); the weak one for 不大, 不多.
_COLLOCATION = {sign: Term(weight=float(sign), aspects=(), negator=False, degree=None, contrast=None, expectation=None)
                for sign in (1, -1)}
_WEAK_COLLOCATION = {sign: Term(weight=sign * _NEGATED_NEGATIVE, aspects=(), negator=False, degree=None, contrast=None,
                                expectation=None) for sign in (1, -1)}


def _collocate(hits: list[Hit]) -> None:
    """Turn a magnitude word after an attribute into an opinion: 容量很大 +, 噪音大 -, 发热量不大 +.

    The attribute may stand up to :data:`_GAP` characters and a few degree adverbs and negators before
    the magnitude word (发热量稍微有点大); those modify the new opinion as they modify any other. The
    attribute's own sentiment, if it has one (发热 -), gives way: the pair says which way it went.
    """
    for i, h in enumerate(hits):
        mag = h.info.magnitude
        weak = False
        if mag is None and h.info.negator and len(h.term) == 2 and h.term[0] == "不" and h.term[1] in _MAGNITUDES:
            # 不大, 不多 are negators before an opinion word (不大好); after an attribute, with no
            # opinion word straight after, they are the magnitude itself, negated and milder
            nxt = hits[i + 1] if i + 1 < len(hits) else None
            if nxt is None or nxt.start > h.end or nxt.info.weight is None:
                mag, weak = -_MAGNITUDES[h.term[1]], True
        if mag is None or i == 0:
            continue
        left = h.start
        for back in range(i - 1, max(-1, i - 1 - _WINDOW), -1):
            prev = hits[back]
            if left - prev.end > _GAP:
                break
            attr = prev.info.attribute
            if attr is not None:
                h.info = (_WEAK_COLLOCATION if weak else _COLLOCATION)[attr * mag]
                if prev.info.weight is not None:
                    prev.info = dataclasses.replace(prev.info, weight=None)
                break
            if not prev.info.negator and prev.info.degree is None and prev.info is not _BLOCK:
                break  # (an adverb such as 还是, 依然 may stand between: 噪音依然很大)
            left = prev.start


def _score_hits(hits: list[Hit], tail: str = "") -> tuple[float, int]:
    """Apply negation and degree to opinion words; return the clause's raw score and opinion count.

    ``tail`` is the clause's text after its last hit: a negator there closes the clause only when
    nothing but particles follows it (优惠都没有了, not 迟迟没到).
    """
    total = 0.0
    count = 0
    _demote_intensifiers(hits)
    _collocate(hits)
    for h in hits:
        w = h.info.weight
        if w is None:
            continue
        negations = 0
        degree = 1.0
        negated_degree = False
        # Look back over the modifiers directly before the word (stop at the previous opinion word
        # or at a gap of more than _GAP characters: 不 in 不知道他们的菜好 does not negate 好).
        left = h.start
        for back in range(h.pos - 1, max(-1, h.pos - 1 - _WINDOW), -1):
            hit = hits[back]
            prev = hit.info
            if left - hit.end > _GAP or (prev.weight is not None and not prev.negator and prev.degree is None):
                break
            if hit.term in _BLOCKERS:
                break
            left = hit.start
            if prev.negator:
                if hit.end != h.start and h.term[0] in _NEGATED_FORM:
                    break  # 不用尝了不好吃: the distant negator is about something else
                negations += 1
                if degree != 1.0 and negations == 1:
                    negated_degree = True  # 不 + 很 + 好: the negator stands before the degree word
            elif prev.degree is not None:
                degree *= prev.degree
        # 一点优惠都没有, 效果也没有: a negator right after the word (past 都/也) closes the clause.
        nxt = h.pos + 1
        if (
            nxt == len(hits) - 1
            and hits[nxt].info.negator
            and hits[nxt].start - h.end <= _POST_GAP
            and hits[nxt].info.weight is None
            and not tail.strip(_PARTICLES)
        ):
            negations += 1
        if negations % 2 == 1:
            if negated_degree:
                w = -w * _NEGATED_DEGREE
            else:
                w = -w * (_NEGATED_NEGATIVE if w < 0 else 1.0) * degree
        else:
            w *= degree
        h.weight = w
        total += w
        count += 1
    return total, count


def attach(hits: list[Hit], kind: str) -> bool:
    """Attach each opinion to the nearest aspect of ``kind`` in the clause (ties: the earlier one)."""
    aspects = [h for h in hits if h.info.aspects and any(k == kind for k, _, _ in h.info.aspects)]
    if not aspects:
        return False
    positions = [a.pos for a in aspects]  # ascending: hits are in text order
    for h in hits:
        if h.weight == 0.0 or h.info.weight is None:
            continue
        # the nearest aspect by binary search (a clause may hold thousands of hits)
        k = bisect.bisect_left(positions, h.pos)
        near = aspects[max(0, k - 1) : k + 1]
        best = min(near, key=lambda a: (abs(a.pos - h.pos), a.pos > h.pos))
        total, n = best.attached.get(kind, (0.0, 0))
        best.attached[kind] = (total + h.weight, n + 1)
    return True


# Waiting that the customer reports with a duration (等了五天, 排队排了一个多小时, 一个小时才上菜) is a
# negative convenience opinion; cxtext._effort reads the duration, so effort figures and opinions agree.
_WAIT_TERM = Term(weight=-1.0, aspects=(("factor", "convenience", None), ("theme", "convenience", None)),
                  negator=False, degree=None, contrast=None, expectation=None)
# A wait the customer calls short (不到十分钟, 只等了五分钟) or under _SHORT_WAIT minutes: a mention, no opinion.
_SHORT_WAIT_TERM = Term(weight=None, aspects=_WAIT_TERM.aspects, negator=False, degree=None, contrast=None,
                        expectation=None)
_SHORT_WAIT = 10.0  # minutes


def _add_waits(text: str, base: int, hits: list[Hit]) -> None:
    """Add a negative convenience opinion for each reported wait (issue of effort, not of words).

    ``text`` is the clause's text, starting at offset ``base``.
    """
    for w in find_waits(text):
        term = _SHORT_WAIT_TERM if w.short or w.value < _SHORT_WAIT else _WAIT_TERM
        # the wait replaces lexicon hits inside it (等, 排队) so nothing is counted twice
        _insert(hits, Hit(w.term, term, base + w.start, base + w.end, 0))


# A clock time, then what finally happened (1点多才到, 十一点半才送来): lateness told without a
# duration. An opinion like a wait's; effort figures need a duration and do not count it.
_LATE = re.compile(r"(?:快到?|将近|差不多)?(?P<clock>\d{1,2}|[一二两三四五六七八九十]{1,3})[点时](?:多|半|过|\d{1,2}分?|[一二三四五六七八九十]{1,3}分?)?"
                   r"(?:了|都|钟)?才(?:送到|送来|送过来|到|来|收到|拿到|上菜|上门|取餐|回复|回电|处理)")


def _add_late(text: str, base: int, hits: list[Hit]) -> None:
    """Add a negative convenience opinion for a late arrival told by the clock."""
    if "才" not in text:
        return
    for m in _LATE.finditer(text):
        s, e = base + m.start(), base + m.end()
        # (the 快 of 快1点才到 is "almost", not praise: the hit covers it, and it gives way)
        if not any(h.start < e and base + m.start("clock") < h.end and h.info.weight is not None for h in hits):
            _insert(hits, Hit(m.group(), _WAIT_TERM, s, e, 0))


# Something the customer was owed and did not get, told at the end of a clause (外卖还没到, 鲜花饼没给,
# 退款一直没退, 客服到现在没回): a complaint without an opinion word. Only at the clause end, so that
# 没到期, 没给差评 and 没收到任何问题 are not read this way.
_UNDONE = re.compile(r"(?:没有|没|未)(?:给我们|给我|给|送到|送来|送|到|发货|退款|退|回复|回|收到)(?:[了啊呀呢哦吧])*$")
# …and something owed and not given, named mid-clause (套餐没给饮料, 没给发票, 没给我们餐具), but not
# a review held back (没给差评, 没给他们打分).
_NOT_GIVEN = re.compile(r"(?:没有|没|未)给(?:我们|我)?(?![^，。！？]{0,4}(?:评|分|星))(?=[\u4e00-\u9fff])")
# a complaint the rules read from the clause's facts, not from an opinion word
_COMPLAINT_TERM = Term(weight=-1.0, aspects=(), negator=False, degree=None, contrast=None, expectation=None)


def _add_undone(text: str, base: int, hits: list[Hit]) -> None:
    """Add a negative opinion for a clause that ends in something not given, sent or answered, or
    that names something owed and not given."""
    if "没" not in text and "未" not in text:
        return
    m = _UNDONE.search(text) or _NOT_GIVEN.search(text)
    if m is None:
        return
    s, e = base + m.start(), base + m.end()
    if any(h.start < e and s < h.end and h.info.weight is not None for h in hits):
        return  # an opinion word already says it (没回复 may be a lexicon entry)
    _insert(hits, Hit(m.group(), _COMPLAINT_TERM, s, e, 0))


# What came is not what was ordered (买的是黑色的，发来的是白色的; 订的大床房，给的却是标间): a complaint
# told as two facts, with no opinion word. The received half must say 的是 (送来的是小份), so that
# 点的外卖，送来的时候还热着 is not read this way, and it must say it came (送来的是; 送的是小样 is a
# gift); the ordered half may open the clause or an earlier clause of the same sentence.
_ORDERED = re.compile(r"(?:买|点|订|要|选|拍|下单|预订|预定)了?的")
_RECEIVED = re.compile(r"(?:[发寄送端拿]过?来|送到|[上给]|给我)的(?:却|竟然|居然|怎么)?是")


def _add_mismatch(text: str, base: int, hits: list[Hit], ordered: bool) -> bool:
    """Add a negative opinion for a received-not-ordered clause; return whether the clause says what was ordered."""
    if "的" not in text:  # both halves need it; most clauses are done here
        return False
    m = _RECEIVED.search(text)
    said = _ORDERED.search(text, 0, m.start() if m else len(text)) is not None
    if m is None or not (ordered or said):
        return said
    s, e = base + m.start(), base + m.end()
    if not any(h.start < e and s < h.end for h in hits):
        _insert(hits, Hit(m.group(), _COMPLAINT_TERM, s, e, 0))
    return said


def _insert(hits: list[Hit], hit: Hit) -> None:
    """Put ``hit`` among ``hits`` in text order; the lexicon hits it covers give way to it."""
    hits[:] = [h for h in hits if h.end <= hit.start or h.start >= hit.end]
    hits.append(hit)
    hits.sort(key=lambda h: h.start)
    for n, h in enumerate(hits):
        h.pos = n


def split_clauses(tokens: list[tuple[str, int, int]], index: TermIndex) -> list[tuple[int, int, str | None, int]]:
    """``(first_token, end_token, contrast_role, sentence_no)`` for each clause."""
    clauses: list[tuple[int, int, str | None, int]] = []
    start = 0
    role: str | None = None
    sentence = 0
    terms = index.terms
    n = len(tokens)
    for k, (tok, _, _) in enumerate(tokens):
        first = tok[0]
        if len(tok) == 1 and (first in _SENTENCE_END or first in _CLAUSE_END or first == "."):
            if first == "." and 0 < k < n - 1 and tokens[k - 1][0].isdigit() and tokens[k + 1][0].isdigit():
                continue  # a decimal point
            if k > start:
                clauses.append((start, k, role, sentence))
            if first in _SENTENCE_END or first == ".":
                sentence += 1
            start, role = k + 1, None
            continue
        info = terms.get(tok)
        if info is not None and info.contrast is not None:
            if k == start:
                role = info.contrast
            elif tok not in _INITIAL_ONLY and k < n - 1:
                clauses.append((start, k, role, sentence))
                start, role = k, info.contrast
    if start < n:
        clauses.append((start, n, role, sentence))
    return clauses


def analyse_tokens(tokens: list[tuple[str, int, int]], index: TermIndex) -> list[ClauseResult]:
    """Split, match and score; returns the clauses with their hits (normalised offsets).

    ``tokens`` are :meth:`Segmenter.tokens`: contiguous, each starting where the one before ends.
    """
    out: list[ClauseResult] = []
    prev_sentence = -1
    sentence_first = 0
    ordered = False  # an earlier clause of the sentence said what was ordered (买的是…)
    # the tokens are contiguous (they cover the text): one join serves every clause's slice
    full = "".join([t for t, _, _ in tokens])
    origin = tokens[0][1] if tokens else 0
    for i, j, role, sentence in split_clauses(tokens, index):
        if sentence != prev_sentence:
            prev_sentence, sentence_first, ordered = sentence, len(out), False
        hits = _match(tokens, i, j, index)
        base = tokens[i][1]
        text = full[base - origin : tokens[j - 1][2] - origin]
        _add_waits(text, base, hits)
        _add_late(text, base, hits)
        _add_undone(text, base, hits)
        ordered = _add_mismatch(text, base, hits, ordered) or ordered
        score, opinions = _score_hits(hits, text[hits[-1].end - base:] if hits else "")
        weight = 1.0
        if role == "but":
            weight = _BUT_WEIGHT
            # the clauses since the previous 但是 of the sentence (that one included) weigh less;
            # earlier ones were already weighed down by it (and the work stays linear)
            for c in out[sentence_first:]:
                c.weight *= _BEFORE_BUT_WEIGHT
            sentence_first = len(out)
        elif role == "although":
            weight = _ALTHOUGH_WEIGHT
        expectation = next((h.info.expectation for h in hits if h.info.expectation is not None), None)
        if expectation == "prior":
            # 本以为很好吃: the opinions state an expectation, not the experience, and count little;
            # a cue with a polarity of its own (说好的: a promise, now broken) keeps its weight.
            score = 0.0
            for h in hits:
                if h.info.expectation is None:
                    h.weight *= _PRIOR_WEIGHT
                score += h.weight
        end_char = tokens[j][0][:1] if j < len(tokens) else ""
        if end_char in _QUESTION:
            weight *= _QUESTION_WEIGHT
        out.append(ClauseResult(tokens[i][1], tokens[j - 1][2], score, weight, opinions, hits, expectation, sentence))
    return out
