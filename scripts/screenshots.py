"""Screenshots of pages as a user sees them, in headless Chromium (a developer's tool).

    .venv/bin/python scripts/screenshots.py --db sqlite:////tmp/demo.sqlite \
        --user rental@parkdesk.local --lang ru /tickets /tickets/500123
    .venv/bin/python scripts/screenshots.py --db … --click '#nav-notifications' /today

Writes PNGs into screenshots/ (ignored by git).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import chromium
from dashboard import create_app
from dashboard.config import Config, Operator


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="rental@parkdesk.local")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--lang", default="en", choices=["en", "ru"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wait", type=float, default=2.5)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument(
        "--upload", help="a file to choose in each page's upload field before its screenshot"
    )
    parser.add_argument(
        "--click",
        action="append",
        default=[],
        help="a CSS selector to click on each page before its screenshot (repeatable, in "
        "order), e.g. the navbar's notifications: --click '#nav-notifications'",
    )
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    # The operator's requisites as production reads them (PARKDESK_OPERATOR_*).
    config = Config(database_url=args.db, secret_key="screenshots", operator=Operator.from_env())
    app = create_app(config)
    server = make_server("127.0.0.1", args.port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}"

    driver = chromium(args.width, args.height)
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    try:
        driver.get(base + "/login")
        driver.find_element(By.ID, "login-email").send_keys(args.user)
        driver.find_element(By.ID, "login-password").send_keys(args.password)
        driver.find_element(By.ID, "login-submit").click()
        time.sleep(args.wait)
        lang_button = driver.find_element(By.ID, f"nav-lang-{args.lang}")
        if "outline" in (lang_button.get_attribute("class") or ""):
            lang_button.click()
            time.sleep(args.wait)
        for path in args.paths:
            driver.get(base + path)
            time.sleep(args.wait)
            if args.upload:
                field = driver.find_element(By.CSS_SELECTOR, "input[type=file]")
                field.send_keys(str(Path(args.upload).resolve()))
                time.sleep(args.wait)
            for selector in args.click:
                driver.find_element(By.CSS_SELECTOR, selector).click()
                time.sleep(args.wait)
            name = path.strip("/").replace("/", "_").replace("?", "_") or "overview"
            if args.click:
                name += "_clicked"
            target = out / f"{name}.{args.lang}.png"
            driver.save_screenshot(str(target))
            severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            print(target, "console errors:" if severe else "", *[e["message"] for e in severe])
    finally:
        driver.quit()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
