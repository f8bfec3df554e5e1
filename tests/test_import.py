"""Importing people from CSV (issue 17, point 3; SPEC §8 ``import people``): good,
duplicate, malformed and hostile lines give exactly the expected counts, the second
import changes nothing, a dry run writes nothing, the command's exit status."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.i18n import error_text
from models import AuditEntry, Person
from services import people_import
from services.errors import DomainError, PermissionDenied
from tests.factories import NOW

ROOT = Path(__file__).resolve().parents[1]

GOOD = [
    "Иванов Иван Иванович;+7 916 123-45-67;ivan@example.com;ООО «Ромашка»",
    "Петрова Анна;8 (916) 765-43-21;;",
    "Smith John;+44 20 7946 0958;john@example.co.uk;Acme Ltd",
]
DUPLICATES = [
    "Петрова Анна;89167654321;anna@example.com;",  # the same phone: the e-mail is added
    "Иванов Иван Иванович;;IVAN@example.com;ООО «Ромашка»",  # the same e-mail: unchanged
]
MALFORMED = [
    "Сидоров;+7 900 000-00-00;;",  # one word: no first name
    ";+7 900 000-00-01;;",  # no name
    "Плохой Телефон;abc;;",
    "Плохая Почта;;not-an-email;",
    "Без Контактов;;;",
    "Чужие Контакты;+7 916 123-45-67;anna@example.com;",  # phone of one, e-mail of another
]
HOSTILE = [
    "=cmd|' /C calc'!A0 Хакер;+7 900 111-11-11;;",  # stored as text; exports neutralise it
    "<script>alert(1)</script> Скрипт;+7 900 111-11-12;;<b>HTML</b>",
    "Длинный " + "я" * 10_000 + ";+7 900 111-11-13;;",  # longer than a line may be
]
WRONG_ENCODING = "Кривая Кодировка;+7 900 222-22-22;;".encode("cp1251")


def csv_file(*lines: str, separator: str = ";", bom: bool = True, raw: bytes = b"") -> bytes:
    header = separator.join(["ФИО", "Телефон", "E-mail", "Компания"])
    text = "\n".join([header, *(line.replace(";", separator) for line in lines)]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode() + raw


def run(db, data: bytes, *, dry_run: bool = False, actor=None):
    with db.write() as session:
        return people_import.import_people(
            session,
            actor,
            people_import.read_csv(io.BytesIO(data)),
            NOW,
            dry_run=dry_run,
            preview_limit=100,
            source="people.csv",
        )


def people(db) -> list[tuple]:
    with db.read() as session:
        return session.execute(
            select(
                Person.last_name,
                Person.first_name,
                Person.middle_name,
                Person.phone,
                Person.email,
                Person.company,
            ).order_by(Person.id)
        ).all()


THE_FILE = csv_file(*GOOD, *DUPLICATES, *MALFORMED, *HOSTILE, raw=WRONG_ENCODING + b"\n")


def test_each_line_is_new_updated_unchanged_or_refused_with_its_number_and_reason(db):
    report = run(db, THE_FILE)

    assert (report.new, report.updated, report.unchanged) == (5, 1, 1)
    assert [(r.number, error_text(r.reason, "en")) for r in report.refused] == [
        (7, "Enter the first and the last name."),
        (8, "Enter the first and the last name."),
        (9, "Enter a phone number, e.g. +7 916 123-45-67."),
        (10, "“not-an-email” is not an e-mail address."),
        (11, "A phone or an e-mail is needed to tell people apart."),
        (
            12,
            "The phone belongs to one person and the e-mail to another; correct the line "
            "or the people first.",
        ),
        (15, "The line is longer than 4000 characters."),
        (16, "The line is not UTF-8 text."),
    ]
    assert error_text(report.refused[-1].reason, "ru") == "Строка не в кодировке UTF-8."
    assert people(db) == [
        ("Иванов", "Иван", "Иванович", "+7 916 123-45-67", "ivan@example.com", "ООО «Ромашка»"),
        ("Петрова", "Анна", None, "8 (916) 765-43-21", "anna@example.com", None),
        ("Smith", "John", None, "+44 20 7946 0958", "john@example.co.uk", "Acme Ltd"),
        ("=cmd|'", "/C", "calc'!A0 Хакер", "+7 900 111-11-11", None, None),
        ("<script>alert(1)</script>", "Скрипт", None, "+7 900 111-11-12", None, "<b>HTML</b>"),
    ]


def test_the_same_file_twice_changes_nothing(db):
    run(db, THE_FILE)
    before = people(db)
    with db.read() as session:
        audits = session.scalar(select(func.count()).select_from(AuditEntry))

    again = run(db, THE_FILE)

    assert (again.new, again.updated, again.unchanged, len(again.refused)) == (0, 0, 7, 8)
    assert people(db) == before
    with db.read() as session:  # nothing changed: no audit entry either
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_a_dry_run_says_the_same_and_writes_nothing(db):
    dry = run(db, THE_FILE, dry_run=True)

    assert people(db) == []
    real = run(db, THE_FILE)
    assert (dry.new, dry.updated, dry.unchanged) == (real.new, real.updated, real.unchanged)
    assert [r.number for r in dry.refused] == [r.number for r in real.refused]
    assert dry.preview == real.preview


def test_commas_and_no_bom_read_the_same(db):
    report = run(db, csv_file(*GOOD, separator=",", bom=False))
    assert (report.new, len(report.refused)) == (3, 0)


def test_a_file_without_the_columns_or_empty_is_refused_in_words(db):
    with pytest.raises(DomainError) as caught:
        run(db, "фамилия;адрес\nИванов;Москва\n".encode())
    assert error_text(caught.value, "en").startswith("The first line must name the columns")
    with pytest.raises(DomainError, match="The file is empty"):
        run(db, b"")


def test_the_import_is_audited_once_with_its_counts(db):
    run(db, THE_FILE)
    with db.read() as session:
        entry = session.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.after)
        ).one()
    assert entry.action == "people.import"
    assert entry.entity_id == "people.csv"
    assert entry.after == {"new": 5, "updated": 1, "unchanged": 1, "refused": 8}


def test_only_an_admin_imports(db, actors):
    for role in ("rental", "service", "events", "exec", "accounting"):
        with pytest.raises(PermissionDenied):
            run(db, THE_FILE, actor=actors[role])
    assert people(db) == []
    assert run(db, csv_file(*GOOD), actor=actors["admin"]).new == 3


def test_a_later_chunk_finds_the_people_of_an_earlier_one(db, monkeypatch):
    monkeypatch.setattr(people_import, "CHUNK", 2)  # the same file, read two lines at a time
    report = run(db, THE_FILE)
    assert (report.new, report.updated, report.unchanged) == (5, 1, 1)
    assert len(people(db)) == 5


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "import", "people", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_0_only_when_every_line_was_taken(db, database_url, tmp_path):
    good, mixed = tmp_path / "good.csv", tmp_path / "mixed.csv"
    good.write_bytes(csv_file(*GOOD))
    mixed.write_bytes(THE_FILE)

    dry = _cli(database_url, str(mixed), "--dry-run")
    assert dry.returncode == 1
    assert "5 would be new, 1 would be updated, 1 unchanged, 8 refused" in dry.stdout
    assert "line 16: The line is not UTF-8 text." in dry.stderr
    assert people(db) == []

    assert _cli(database_url, str(good)).returncode == 0
    assert len(people(db)) == 3
    missing = _cli(database_url, str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert "No such file" in missing.stderr
    assert "Traceback" not in missing.stderr
