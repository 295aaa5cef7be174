"""Words a second of the two Snowball stemmers on PyPI, for Russian and English press text.

snowballstemmer is the algorithms compiled to pure Python; PyStemmer is the same algorithms in
C (libstemmer) behind a Cython wrapper, with a cache of recent words. Both are timed on running
text (words repeat, as in a release: the cache helps) and on the distinct words of that text
once each, by a new stemmer (every word new: the worst case). The stems must be the same, word for
word: the choice is about speed and installing, not about results. Last, the analysis search
uses (pressbot.texts.search_terms: lowercasing, ё→е, splitting, choosing by letters, stemming)
is timed on the same texts, as text, so its own cost beside the stemmer's shows.

    .venv/bin/python bench/stemming.py [--words 200000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import Stemmer  # type: ignore[import-not-found]
from snowballstemmer.english_stemmer import (  # type: ignore[import-untyped]
    EnglishStemmer as PurePythonEnglish,
)
from snowballstemmer.russian_stemmer import (  # type: ignore[import-untyped]
    RussianStemmer as PurePythonRussian,
)

from _support import ROOT
from pressbot.texts.search_terms import search_terms

# An invented release and comment in the embassy's manner, written for this benchmark, with
# the word forms Russian inflects (cases, plurals, verb forms): what the index gets.
RUSSIAN = """
Комментарий посольства России в Великобритании в связи с новыми санкциями. Вопрос: как в
посольстве оценивают решение британского правительства о введении очередных санкций против
российских компаний и граждан? Ответ: Мы неоднократно заявляли, что санкционное давление не
способно изменить нашу позицию. Британская сторона вновь предпочла язык ультиматумов диалогу
и сотрудничеству. Подобные решения лишь подрывают остатки доверия между нашими странами и
наносят ущерб британскому бизнесу, который годами работал на российском рынке. Посольство
выражает решительный протест в связи с задержанием российского гражданина в аэропорту
Хитроу. Консульские сотрудники до сих пор не получили доступа к задержанному, что является
прямым нарушением Венской конвенции о консульских сношениях и двустороннего консульского
соглашения. Мы требуем незамедлительно предоставить консульский доступ и разъяснить причины
задержания. Министр иностранных дел провёл встречу с послом и обсудил вопросы безопасности,
взаимодействия правоохранительных органов и расследования инцидента в Солсбери. Российская
сторона по-прежнему готова к совместному расследованию, однако британские власти отказываются
предоставлять информацию, ссылаясь на секретность. Такие отказы порождают сомнения в
объективности расследований и в достоверности опубликованных доказательств. Журналисты
спрашивали о протестах у здания посольства; мы благодарны полиции за обеспечение порядка.
Посольство продолжит информировать граждан о работе консульского отдела, о сроках выдачи виз
и о мерах безопасности. Заявления официальных лиц, прозвучавшие на прошлой неделе, вызывают
у нас глубокую озабоченность: обвинения без доказательств не могут служить основой политики.
Мы призываем британских коллег вернуться к профессиональному диалогу, уважающему интересы
обеих стран, и отказаться от практики односторонних ограничительных мер. Ёлки у посольства
украсят к праздникам; приглашаем соотечественников на приём.
"""

_WORD = re.compile(r"[^\W_]+")


def english_text() -> str:
    """The seed page's titles and bodies: real releases of the embassy, in English."""
    page = json.loads((ROOT / "data" / "press_page_2018-10-18.json").read_text("utf-8"))
    return "\n".join(f"{item['title']}\n{item['body']}" for item in page["items"])


def words_of(text: str, count: int) -> list[str]:
    """`count` words of the text, lowercased, the text repeated as often as needed."""
    words = [word.lower() for word in _WORD.findall(text)]
    return (words * (count // len(words) + 1))[:count]


def best_rate(run: Callable[[], object], words: int, repeats: int) -> float:
    """Words a second of the fastest of `repeats` runs (the others were disturbed)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return words / best


def stemmers(language: str) -> dict[str, Any]:
    """The contenders for one language: name -> an object with stemWord."""
    pure = {"russian": PurePythonRussian, "english": PurePythonEnglish}[language]
    uncached = Stemmer.Stemmer(language, 0)
    return {
        "snowballstemmer": pure(),
        "PyStemmer (cache 10000)": Stemmer.Stemmer(language),
        "PyStemmer (no cache)": uncached,
    }


def first_sight_rate(language: str, name: str, distinct: list[str], repeats: int) -> float:
    """Words a second of a new stemmer (its cache empty) stemming each word once."""
    fresh = [stemmers(language)[name] for _ in range(repeats)]
    return best_rate(
        lambda: [w for s in (fresh.pop(),) for w in s.stemWords(distinct)], len(distinct), repeats
    )


def measure(language: str, text: str, count: int, repeats: int) -> None:
    """Print the rates of each stemmer on running text and on distinct words."""
    running = words_of(text, count)
    distinct = sorted(set(running))
    contenders = stemmers(language)
    reference = [contenders["snowballstemmer"].stemWord(word) for word in distinct]
    for name, stemmer in contenders.items():
        assert [stemmer.stemWord(word) for word in distinct] == reference, name
    print(f"{language}: {len(running)} words of running text, {len(distinct)} distinct")
    for name, stemmer in contenders.items():
        stem: Callable[[str], str] = stemmer.stemWord
        text_rate = best_rate(lambda: [stem(w) for w in running], len(running), repeats)  # noqa: B023 - run at once
        batch_rate = best_rate(lambda: stemmer.stemWords(running), len(running), repeats)  # noqa: B023 - run at once
        distinct_rate = first_sight_rate(language, name, distinct, repeats)
        print(
            f"  {name:24s} running text {text_rate / 1e6:6.3f} M words/s"
            f"  (stemWords {batch_rate / 1e6:6.3f} M)"
            f"  distinct words, first sight {distinct_rate / 1e6:6.3f} M words/s"
        )
    analysed = " ".join(running)
    rate = best_rate(lambda: search_terms(analysed), len(running), repeats)
    print(f"  {'search_terms (all of it)':24s} running text {rate / 1e6:6.3f} M words/s")


def main(count: int, repeats: int) -> None:
    """Measure both languages."""
    texts: Sequence[tuple[str, str]] = (("russian", RUSSIAN), ("english", english_text()))
    for language, text in texts:
        measure(language, text, count, repeats)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    main(arguments.words, arguments.repeats)
