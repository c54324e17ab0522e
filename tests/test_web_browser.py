"""The web face in a real browser: Debian's Chromium driven by selenium through Debian's
chromedriver (no browser download). An exhibitor fills the form, sees the live estimate
change, adds a row, saves; the staff dashboard then shows them as submitted; a certificate is
verified by upload. Screenshots go to tests/artifacts/ (looked at when the pages change)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from carbonexpo import api
from carbonexpo.web.app import create_app
from tests.conftest import EXAMPLE, ROOT, skip_or_fail
from tests.web_server import running

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "tests" / "artifacts"
A = "CN Supply Chain Co. 001"


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        skip_or_fail("chromium and chromedriver are not installed (apt: chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must never fetch a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1400",
        "--lang=en-US",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def site(tmp_path: Path):
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    made, _ = api.invite(folder)
    links = {("staff" if role == "staff" else who): url for role, who, url in made}
    keys = tmp_path / "keys"
    api.generate_keys(keys / "issuer.key")
    trust = tmp_path / "trust"
    trust.mkdir()
    shutil.copy(keys / "issuer.key.pub", trust / "issuer.pub")
    with running(create_app(folder, lang="en", trust=trust)) as url:
        yield {"url": url, "links": links, "folder": folder, "keys": keys}


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(max(width, 390), min(int(height) + 120, 4000))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(ARTIFACTS / name))


def wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def external_references(driver) -> list[str]:
    """src/href values that would leave this site (none may: no CDN, no external request)."""
    return driver.execute_script(
        """
        const out = [];
        document.querySelectorAll('[src],[href]').forEach(function (el) {
          const v = el.getAttribute('src') || el.getAttribute('href');
          const u = new URL(v, window.location.href);
          if (u.origin !== window.location.origin) out.push(v);
        });
        return out;
        """
    )


def test_exhibitor_fills_the_form_and_the_staff_sees_it(browser, site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(1280, 1400)
    browser.get(site["url"] + site["links"][A])
    assert browser.find_element(By.ID, "exhibitor-name").text == A
    assert external_references(browser) == []

    def travel_value() -> str:
        rows = browser.find_elements(By.CSS_SELECTOR, "#estimate-groups tr")
        return next(r.text for r in rows if r.text.startswith("Travel"))

    total_before = browser.find_element(By.ID, "estimate-total").text
    travel_before = travel_value()
    browser.find_element(By.NAME, "staff-1-origin").send_keys("Guangzhou")
    Select(browser.find_element(By.NAME, "staff-1-mode")).select_by_value("air")
    browser.find_element(By.NAME, "staff-1-travellers").send_keys("5")
    wait(
        browser,
        lambda d: (
            d.find_element(By.ID, "estimate-total").text != total_before
            and travel_value() != travel_before
        ),
    )
    assert "estimated" in browser.find_element(By.ID, "estimate-groups").text
    # a bad cell is marked live, next to its field
    browser.find_element(By.NAME, "hotels-0-country").send_keys("CN")
    browser.find_element(By.NAME, "hotels-0-room_nights").send_keys("-4")
    wait(
        browser,
        lambda d: (
            "negative" in d.find_element(By.CSS_SELECTOR, '[data-for="hotels-0-room_nights"]').text
        ),
    )
    room_nights = browser.find_element(By.NAME, "hotels-0-room_nights")
    room_nights.clear()
    room_nights.send_keys("12")
    wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-for="hotels-0-room_nights"]').text == "",
    )
    # one more freight row, added in the page
    before = len(browser.find_elements(By.CSS_SELECTOR, 'table[data-section="freight"] tbody tr'))
    browser.find_element(By.CSS_SELECTOR, 'button.add[data-section="freight"]').click()
    rows = browser.find_elements(By.CSS_SELECTOR, 'table[data-section="freight"] tbody tr')
    assert len(rows) == before + 1
    new_index = rows[-1].get_attribute("data-index")
    browser.find_element(By.NAME, f"freight-{new_index}-shipment").send_keys("WEB-1")
    Select(browser.find_element(By.NAME, f"freight-{new_index}-mode")).select_by_value("hgv")
    browser.find_element(By.NAME, f"freight-{new_index}-mass_kg").send_keys("300")
    browser.find_element(By.NAME, f"freight-{new_index}-origin").send_keys("Tianjin")
    shot(browser, "web-exhibitor-en.png")
    browser.find_element(By.ID, "save").click()
    wait(browser, lambda d: "saved=1" in d.current_url)
    assert "Saved" in browser.find_element(By.ID, "message").text
    assert browser.find_element(By.NAME, "staff-1-origin").get_attribute("value") == "Guangzhou"

    # the staff dashboard now lists this exhibitor as submitted
    browser.get(site["url"] + site["links"]["staff"])
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-exhibitor="{A}"]')
    assert "submitted" in row.text and "not submitted" not in row.text
    assert "1 of 620" in browser.find_element(By.ID, "submitted-count").text
    assert browser.find_elements(By.CSS_SELECTOR, "#charts svg")
    assert external_references(browser) == []
    shot(browser, "web-staff-en.png")
    # and in Chinese, with the switch on the page
    browser.find_element(By.ID, "lang-switch").click()
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    assert "已提交" in browser.find_element(By.CSS_SELECTOR, f'tr[data-exhibitor="{A}"]').text
    shot(browser, "web-staff-zh.png")


def test_a_refused_save_keeps_the_build_type_and_a_fixed_one_saves_it(browser, site) -> None:
    """Issue 30: a refused save showed the booth's build type from the file, so the choice
    was lost when the person fixed the error and saved again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    booths = site["folder"] / "booths.csv"
    before = booths.read_text(encoding="utf-8").splitlines()
    assert f"{A},A1-100,360,space_only,A1" in before
    browser.get(site["url"] + site["links"][A] + "?lang=en")  # an earlier test chose zh
    Select(browser.find_element(By.NAME, "booth-0-build")).select_by_value("modular")
    browser.find_element(By.NAME, "hotels-0-country").send_keys("CN")
    browser.find_element(By.NAME, "hotels-0-room_nights").send_keys("1,5")
    browser.find_element(By.ID, "save").click()
    wait(browser, lambda d: "Not saved" in d.find_element(By.ID, "message").text)
    assert (
        "write 1.5"
        in browser.find_element(By.CSS_SELECTOR, '[data-for="hotels-0-room_nights"]').text
    )
    build = Select(browser.find_element(By.NAME, "booth-0-build"))
    assert build.first_selected_option.get_attribute("value") == "modular"
    assert booths.read_text(encoding="utf-8").splitlines() == before  # nothing written
    nights = browser.find_element(By.NAME, "hotels-0-room_nights")
    nights.clear()
    nights.send_keys("1,500")  # a thousands separator: accepted, as in a file
    browser.find_element(By.ID, "save").click()
    wait(browser, lambda d: "saved=1" in d.current_url)
    build = Select(browser.find_element(By.NAME, "booth-0-build"))
    assert build.first_selected_option.get_attribute("value") == "modular"
    after = booths.read_text(encoding="utf-8").splitlines()
    assert after == [
        f"{A},A1-100,360,modular,A1" if line == f"{A},A1-100,360,space_only,A1" else line
        for line in before
    ]
    hotels = (site["folder"] / "accommodation.csv").read_text(encoding="utf-8").splitlines()
    assert hotels[-1] == f'CN,"1,500",{A}'


def test_exhibitor_page_on_a_phone(browser, site) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    browser.get(site["url"] + site["links"][A] + "?lang=zh")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390 + 2, f"the page scrolls sideways on a phone ({width}px)"
    field = browser.find_element(By.NAME, "staff-0-origin")
    assert field.size["width"] > 140  # two fields per line: compact rows (issue 33)
    shot(browser, "web-exhibitor-phone-zh.png")
    browser.set_window_size(1280, 1400)


def test_verify_a_certificate_by_upload(browser, site, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    run = api.calculate(site["folder"])
    api.issue_certificate(
        run, key=site["keys"] / "issuer.key", pdf=tmp_path / "cert.pdf", issue_date="2025-02-01"
    )
    browser.set_window_size(1280, 1000)
    browser.get(site["url"] + "/verify?lang=en")
    browser.find_element(By.ID, "certificate").send_keys(str(tmp_path / "cert.pdf"))
    browser.find_element(By.ID, "verify").click()
    wait(browser, lambda d: d.find_elements(By.ID, "verdict-word"))
    assert browser.find_element(By.ID, "verdict-word").text == "VALID"
    shot(browser, "web-verify-en.png")


# -- at real size: 620 exhibitors, a desk and a phone -----------------------------------------


def page_height(driver) -> int:
    return int(driver.execute_script("return document.documentElement.scrollHeight"))


def overflows_the_screen(driver) -> bool:
    """Whether the page is wider than the window (something cut off or scrolled sideways)."""
    return bool(
        driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
    )


def test_the_staff_dashboard_at_1280_and_390_px(browser, site) -> None:
    from selenium.webdriver.common.by import By

    staff = site["url"] + site["links"]["staff"] + "?lang=en"
    browser.set_window_size(1280, 1000)
    browser.get(staff)
    downloads = browser.find_element(By.ID, "downloads")
    assert downloads.location["y"] < 1000  # in the first screen, above the 620 exhibitors
    assert "report-zh.pdf" in downloads.get_attribute("innerHTML")
    assert page_height(browser) < 9000, page_height(browser)  # was 24,258 px
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr[data-exhibitor]")) == 50
    # chart text legible: at least 11 px on screen
    sizes = browser.execute_script(
        """return Array.from(document.querySelectorAll('#charts svg text'))
             .map(t => t.getBoundingClientRect().height).filter(h => h > 0);"""
    )
    assert sizes and sorted(sizes)[len(sizes) // 2] >= 11, sorted(sizes)[:5]
    shot(browser, "web-staff-1280.png")
    browser.set_window_size(1280, 1000)
    # search, sort, page: on the server
    box = browser.find_element(By.ID, "exhibitor-search")
    box.send_keys("co. 04")
    box.submit()
    wait(browser, lambda d: "q=co.+04" in d.current_url)
    names = [
        r.get_attribute("data-exhibitor")
        for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-exhibitor]")
    ]
    assert names and all("Co. 04" in n for n in names)
    browser.find_element(By.CSS_SELECTOR, 'a[data-sort="tco2e"]').click()
    wait(browser, lambda d: "sort=tco2e" in d.current_url)
    browser.find_element(By.CSS_SELECTOR, 'a[data-sort="tco2e"]').click()  # again: descending
    wait(browser, lambda d: "sort=-tco2e" in d.current_url)
    browser.get(staff)
    browser.find_element(By.CSS_SELECTOR, '#pager a[rel="next"]').click()
    wait(browser, lambda d: "page 2 of 13" in d.find_element(By.ID, "page-of").text)
    # a phone: nothing cut off
    browser.set_window_size(390, 844)
    browser.get(staff)
    assert not overflows_the_screen(browser)
    status = browser.find_elements(By.CSS_SELECTOR, "tr[data-exhibitor] td")[5]
    rect = browser.execute_script("return arguments[0].getBoundingClientRect()", status)
    assert rect["right"] <= 390 and status.is_displayed()  # the status column is not clipped
    shot(browser, "web-staff-390.png")


def test_a_bad_cell_leaves_totals_and_a_banner_in_the_browser(browser, site) -> None:
    from selenium.webdriver.common.by import By

    travel = site["folder"] / "travel.csv"
    travel.write_text(
        travel.read_text(encoding="utf-8") + "visitor,,,metro,-5,1,10,\n", encoding="utf-8"
    )
    browser.set_window_size(1280, 1000)
    browser.get(site["url"] + site["links"]["staff"] + "?lang=zh")
    banner = browser.find_element(By.ID, "set-aside")
    assert "1 行在修正前暂不计入" in banner.text and banner.is_displayed()
    assert browser.find_element(By.ID, "gross").is_displayed()
    odds = browser.find_element(By.ID, "odds")  # the verdict's odds beside the totals
    assert odds.is_displayed() and odds.text.endswith("%")
    banner.find_element(By.CSS_SELECTOR, 'a[href="#problems"]').click()
    assert "数值为负" in browser.find_element(By.ID, "problems").text
    shot(browser, "web-staff-bad-cell-zh.png")


def test_on_a_phone_the_estimate_stays_in_sight(browser, site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(390, 844)
    browser.get(site["url"] + site["links"][A] + "?lang=zh")
    assert not overflows_the_screen(browser)
    # every select shows words, not codes
    mode = Select(browser.find_element(By.NAME, "staff-0-mode"))
    labels = [o.text for o in mode.options if o.get_attribute("value")]
    assert "高铁" in labels and "hsr" not in labels
    save = browser.find_element(By.ID, "save")
    browser.execute_script("arguments[0].scrollIntoView()", save)
    estimate = browser.find_element(By.ID, "estimate")
    rect = browser.execute_script("return arguments[0].getBoundingClientRect()", estimate)
    assert rect["top"] >= 0 and rect["bottom"] <= 844 and estimate.is_displayed()
    assert "tCO2e" in estimate.text
    # a row removed in the page: its cells cleared and the row hidden
    before = browser.find_element(By.ID, "estimate-sum").text
    rows = browser.find_elements(By.CSS_SELECTOR, 'table[data-section="staff"] tbody tr')
    first = rows[0]
    browser.execute_script("arguments[0].scrollIntoView()", first)
    first.find_element(By.CSS_SELECTOR, "button.remove").click()
    assert not first.is_displayed()
    wait(browser, lambda d: d.find_element(By.ID, "estimate-sum").text != before)
    shot(browser, "web-exhibitor-390-zh.png")
