"""Chinese word segmentation for search (see /work/shared/NOTES.md, "Chinese search").

Wagtail's database backend treats a run of Chinese characters as one token, so a search for
电梯 would not find 电梯维修. Pages index an extra field holding their text segmented by jieba
in search mode, and queries are segmented the same way; punctuation tokens are dropped (SQLite's
FTS5 returns nothing for a query containing "，").
"""

import re
import unicodedata

import jieba

jieba.setLogLevel(60)  # silence "Building prefix dict" on first use

_HTML_TAG = re.compile(r"<[^>]+>")


def load_dictionary() -> None:
    """Load jieba's dictionary now: about a second (60 MB) that the first Chinese search or
    page save of a process would otherwise wait for. Server processes call it at start
    (``portal.wsgi`` for runserver and gunicorn, :func:`on_worker_spawn` for django-q2's
    workers); commands and tests load it on first use as before."""
    jieba.initialize()


def on_worker_spawn(sender, **kwargs) -> None:
    """django-q2's ``post_spawn``: each worker process loads the dictionary as it starts."""
    load_dictionary()


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens of ``text`` (HTML tags removed), without punctuation or spaces."""
    text = _HTML_TAG.sub(" ", text or "")
    return [t.strip() for t in jieba.cut_for_search(text) if t.strip() and _is_word(t)]


def segment(text: str) -> str:
    """The indexed form: tokens joined by spaces."""
    return " ".join(tokens(text))


def segment_query(query: str) -> str:
    """The query in the same form as the index; empty when nothing searchable is left."""
    return " ".join(dict.fromkeys(tokens(query)))
