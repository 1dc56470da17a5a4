"""Where a business's reply, exported in the same cell as the customer's review, begins.

Review exports often carry the answer of the hotel or shop after the review itself
(``…隔音太差。宾馆反馈2008年3月4日：谢谢您的宝贵意见，我们会改正的…``, ``…商家回复：亲，抱歉…``). It is
not the customer's voice, and its thanks and apologies read as praise: on ChnSentiCorp hotel reviews
412 of 7,765 carry one. The analyser reads the text before it.

Only a reply *marker* counts: the speaker (宾馆, 商家, 掌柜…), a reply word, an optional date and a
colon, or the bracketed form (【商家回复】). 商家回复很及时 is the customer praising the reply and stays.
"""

from __future__ import annotations

import re

__all__ = ["reply_start"]

_SPEAKER = r"(?:宾馆|酒店|饭店|旅馆|客栈|民宿|商家|掌柜|店家|卖家|店铺|门店|商户|官方)"
_REPLY = re.compile(
    _SPEAKER + r"的?(?:反馈|回复|回应|答复)\s*(?:\d{4}[年/.-]\d{1,2}[月/.-]\d{1,2}日?\s*)?[:：]"
    r"|[【\[]" + _SPEAKER + r"的?(?:反馈|回复|回应|答复)[】\]]"
)


def reply_start(text: str) -> int | None:
    """Offset in ``text`` where an appended business reply starts, or ``None`` when there is none.

    A text that *is* a reply (the marker at its start) is left whole: there is no review before it.
    """
    if "复" not in text and "馈" not in text and "应" not in text:  # cheap gate: most texts have none
        return None
    m = _REPLY.search(text)
    return m.start() if m is not None and m.start() > 0 else None
