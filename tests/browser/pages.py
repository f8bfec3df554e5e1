"""Page objects: how the browser tests read and drive Parkdesk's pages."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def record_payment(duo, amount: str, *, double_click: bool = False) -> None:
    """On an order's page: open the payment form, type ``amount`` in cash and save
    (with ``double_click``, two clicks on Save at once)."""
    duo.find_element("#order-record-payment").click()
    field = duo.wait_for_element("#payment-amount")
    duo.wait_for_contains_text("#payment-limits", "Allowed")
    duo.clear_input(field)
    field.send_keys(amount)
    Select(duo.find_element("#payment-method")).select_by_value("cash")
    save = duo.find_element("#payment-save")
    if double_click:
        duo.driver.execute_script("arguments[0].click(); arguments[0].click();", save)
    else:
        save.click()


class Grid:
    """An AG Grid: its rendered rows, read cell by cell."""

    def __init__(self, duo, grid_id: str) -> None:
        self.duo = duo
        self.grid_id = grid_id

    def rows(self) -> list[dict[str, str]]:
        result = []
        rows = self.duo.driver.find_elements(
            By.CSS_SELECTOR, f"#{self.grid_id} .ag-center-cols-container .ag-row"
        )
        for row in sorted(rows, key=lambda r: int(r.get_attribute("row-index") or 0)):
            cells = row.find_elements(By.CSS_SELECTOR, ".ag-cell")
            values = {cell.get_attribute("col-id"): cell.text for cell in cells}
            if any(values.values()):
                result.append(values)
        return result

    def column(self, col_id: str) -> list[str]:
        return [row.get(col_id, "") for row in self.rows()]

    def wait_until(self, predicate, timeout: float = 10) -> list[dict[str, str]]:
        """Wait until the rendered rows satisfy ``predicate``; returns them."""
        found: list[dict[str, str]] = []

        def check(_driver) -> bool:
            nonlocal found
            try:
                found = self.rows()
            except Exception:  # a row re-rendered while being read: read again
                return False
            return bool(predicate(found))

        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.duo.driver, timeout).until(check, f"grid rows never matched: {found}")
        return found
