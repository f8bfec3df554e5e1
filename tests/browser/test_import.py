"""Importing people in a real browser (issue 17, point 3): upload → preview of every
line's outcome → confirm → the people are there; the same file again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Person
from tests.browser.conftest import log_in

LINES = (
    "ФИО;Телефон;E-mail;Компания\n"
    "Импортова Ирина Петровна;+7 901 555-01-02;irina@example.com;ООО «Вектор»\n"
    "Загрузов Павел;8 (901) 555-01-03;;\n"
    "Одиночка;+7 901 555-01-04;;\n"
)


def _upload(duo, path) -> None:
    field = duo.driver.find_element("css selector", "#import-upload input[type=file]")
    field.send_keys(str(path))


def test_an_admin_previews_then_imports_a_file_and_the_second_time_nothing_changes(
    parkdesk, db, tmp_path
):
    people = tmp_path / "people.csv"
    people.write_text(LINES, encoding="utf-8")
    log_in(parkdesk, "admin@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/import")
    parkdesk.wait_for_element("#import-upload")

    _upload(parkdesk, people)
    parkdesk.wait_for_contains_text("#import-preview", "What the import would do")
    preview = parkdesk.find_element("#import-preview").text
    assert "New: 2" in preview and "Not taken: 1" in preview
    assert "Line 4: Enter the first and the last name." in preview
    assert "Импортова Ирина Петровна" in preview
    with db.read() as session:  # the preview wrote nothing
        assert session.scalar(select(func.count()).select_from(Person)) == 0

    parkdesk.find_element("#import-confirm").click()
    parkdesk.wait_for_contains_text("#import-feedback", "Imported: 2 new, 0 updated")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 2
    assert not parkdesk.find_element("#import-confirm").is_enabled()

    again = tmp_path / "again.csv"
    again.write_text(LINES, encoding="utf-8")
    _upload(parkdesk, again)
    parkdesk.wait_for_contains_text("#import-preview", "Unchanged: 2")
    assert not parkdesk.find_element("#import-confirm").is_enabled()  # nothing to take
    assert parkdesk.get_logs() == []
