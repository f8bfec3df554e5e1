"""An amount of money in Russian words, as an invoice and an act write it:
``1 200,50 ₽`` → «Одна тысяча двести рублей 50 копеек». Always Russian: it is a line of
a Russian accounting document, whatever the language of the person printing it."""

from __future__ import annotations

_ONES = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_ONES_FEMININE = ("", "одна", "две", *_ONES[3:])
_TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)
# Groups of three digits from the thousands up: (one, few, many) and whether feminine.
_SCALES = (
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
    (("триллион", "триллиона", "триллионов"), False),
)
RUBLES = ("рубль", "рубля", "рублей")
KOPECKS = ("копейка", "копейки", "копеек")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The form of a noun after the number ``n``: 1 рубль, 2 рубля, 5 рублей, 11 рублей."""
    if 11 <= n % 100 <= 14:
        return forms[2]
    if n % 10 == 1:
        return forms[0]
    if 2 <= n % 10 <= 4:
        return forms[1]
    return forms[2]


def _triple(n: int, feminine: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_HUNDREDS[hundreds]]
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        words += [_TENS[tens], (_ONES_FEMININE if feminine else _ONES)[ones]]
    return [w for w in words if w]


def number_in_words(n: int, feminine: bool = False) -> str:
    """A whole number from 0 below 10¹⁵ in Russian words, lower case."""
    if not 0 <= n < 1000**5:
        raise ValueError(f"{n} is out of range")
    if n == 0:
        return "ноль"
    n, group = divmod(n, 1000)
    words = _triple(group, feminine)
    for forms, scale_feminine in _SCALES:
        if not n:
            break
        n, group = divmod(n, 1000)
        if group:
            words = [*_triple(group, scale_feminine), plural(group, forms), *words]
    return " ".join(words)


def rubles_in_words(kopecks: int) -> str:
    """«Одна тысяча двести рублей 50 копеек»: rubles in words, kopecks in digits."""
    if kopecks < 0:
        raise ValueError("an amount in words is never negative")
    rubles, rest = divmod(kopecks, 100)
    text = f"{number_in_words(rubles)} {plural(rubles, RUBLES)} {rest:02d} {plural(rest, KOPECKS)}"
    return text[0].upper() + text[1:]
