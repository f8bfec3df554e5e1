"""The total in Russian words on invoices and acts (services.amount_words)."""

from __future__ import annotations

import pytest

from services.amount_words import number_in_words, rubles_in_words


@pytest.mark.parametrize(
    ("kopecks", "words"),
    [
        (0, "Ноль рублей 00 копеек"),
        (100, "Один рубль 00 копеек"),
        (200, "Два рубля 00 копеек"),
        (500, "Пять рублей 00 копеек"),
        (1_100, "Одиннадцать рублей 00 копеек"),
        (2_100, "Двадцать один рубль 00 копеек"),
        (10_100, "Сто один рубль 00 копеек"),
        (100_000, "Одна тысяча рублей 00 копеек"),
        (200_000, "Две тысячи рублей 00 копеек"),
        (500_000, "Пять тысяч рублей 00 копеек"),
        (1_100_000, "Одиннадцать тысяч рублей 00 копеек"),
        (2_100_000, "Двадцать одна тысяча рублей 00 копеек"),
        (120_050, "Одна тысяча двести рублей 50 копеек"),
        (100_000_000, "Один миллион рублей 00 копеек"),
        (
            123_456_789,
            "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
        ),
        (200_000_001, "Два миллиона рублей 01 копейка"),
        (500_000_022, "Пять миллионов рублей 22 копейки"),
        (1_000_000_000_00, "Один миллиард рублей 00 копеек"),
    ],
)
def test_an_amount_reads_in_russian_words_with_the_kopecks_in_digits(kopecks, words):
    assert rubles_in_words(kopecks) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (12, "двенадцать"),
        (14, "четырнадцать"),
        (40, "сорок"),
        (111, "сто одиннадцать"),
        (999, "девятьсот девяносто девять"),
        (1_001, "одна тысяча один"),
        (1_000_000_000_000, "один триллион"),
    ],
)
def test_numbers_in_words(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize("wrong", [-1, 1000**5])
def test_a_number_out_of_range_is_refused(wrong):
    with pytest.raises(ValueError):
        number_in_words(wrong)


def test_a_negative_amount_has_no_words():
    with pytest.raises(ValueError):
        rubles_in_words(-1)
