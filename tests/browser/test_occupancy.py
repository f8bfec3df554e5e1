"""The executive's occupancy page in a real browser."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import click, log_in


def _points(duo, graph_id: str) -> int:
    """How many x values the first trace of a graph has, read from the rendered figure."""
    return duo.driver.execute_script(
        "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return g && g.data && g.data.length ? g.data[0].x.length : -1;",
        graph_id,
    )


def test_period_and_room_filters_change_the_charts(seeded_parkdesk):
    duo = seeded_parkdesk
    log_in(duo, "exec@parkdesk.local")
    duo.driver.get(duo.server.url + "/occupancy")
    WebDriverWait(duo.driver, 15).until(lambda _d: _points(duo, "occupancy-daily") > 0)
    month_days = _points(duo, "occupancy-daily")
    rooms = _points(duo, "occupancy-by-room")
    assert rooms > 1

    click(duo, "label[for='_dbcprivate_radioitems_occupancy-preset_input_year']")
    WebDriverWait(duo.driver, 15).until(lambda _d: _points(duo, "occupancy-daily") == 365)
    assert month_days != 365

    room = Select(duo.find_element("#occupancy-room"))
    WebDriverWait(duo.driver, 10).until(lambda _d: len(room.options) > 2)
    coworking = next(
        o.text for o in room.options if "Open Space" in o.text or "Коворкинг" in o.text
    )
    room.select_by_visible_text(coworking)
    WebDriverWait(duo.driver, 15).until(lambda _d: _points(duo, "occupancy-by-room") == 1)
    assert duo.get_logs() == []


def _ticks(duo, graph_id: str) -> list[str]:
    """The texts of the x axis' ticks as drawn."""
    return duo.driver.execute_script(
        "return Array.from(document.querySelectorAll("
        "'#' + arguments[0] + ' .xaxislayer-above .xtick text')).map((t) => t.textContent);",
        graph_id,
    )


def test_the_charts_dates_are_in_the_users_language(seeded_parkdesk):
    """The year's daily chart names its months in English, and in Russian once the user
    switches (plotly.js's Russian locale, in the vendored bundle)."""
    duo = seeded_parkdesk
    log_in(duo, "exec@parkdesk.local")
    english = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    russian = {"Янв.", "Февр.", "Март", "Апр.", "Май", "Июнь", "Июль", "Авг.", "Сент.", "Окт."}
    russian |= {"Ноя", "Дек."}
    for language, months in (("en", english), ("ru", russian)):
        if language == "ru":
            duo.find_element("#nav-lang-ru").click()
            duo.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
        duo.driver.get(duo.server.url + "/occupancy")
        click(duo, "label[for='_dbcprivate_radioitems_occupancy-preset_input_year']")
        WebDriverWait(duo.driver, 15).until(lambda _d: _points(duo, "occupancy-daily") == 365)
        WebDriverWait(duo.driver, 10).until(
            lambda _d, months=months: (
                {t.split()[0] for t in _ticks(duo, "occupancy-daily") if t} & months
            )
        )
    assert duo.get_logs() == []


def test_a_rental_manager_opens_occupancy_but_an_accountant_may_not(seeded_parkdesk):
    duo = seeded_parkdesk
    log_in(duo, "accounting@parkdesk.local")
    duo.driver.get(duo.server.url + "/occupancy")
    duo.wait_for_element("#page-forbidden")
