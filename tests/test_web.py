"""End to end: the page at `GET /` driven by real headless Chromium against the real server.

Needs the Debian packages `chromium` and `chromium-driver` and the `selenium` wheel; the module
is skipped when they are missing. Selenium Manager is never used (the driver path is explicit
and SE_OFFLINE is set), so nothing is downloaded.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import httpx
import pytest

pytest.importorskip("selenium")

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
OUTPUT = Path(__file__).parent / "output"
PHONE = (390, 900)  # CSS pixels
WAIT = 90  # seconds; the first question also warms the server's model

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(
        "headless browser test needs /usr/bin/chromium and chromedriver "
        "(apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=390,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    # Chromium will not shrink a window below 500 px, so emulate the phone's viewport instead.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, live_server) -> WebDriver:
    browser.get(live_server.url + "/")
    WebDriverWait(browser, WAIT).until(ec.element_to_be_clickable((By.ID, "ask-button")))
    return browser


def wait(driver: WebDriver) -> WebDriverWait:
    return WebDriverWait(driver, WAIT)


def ask(driver: WebDriver, question: str) -> None:
    box = driver.find_element(By.ID, "question")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.ID, "ask-button").click()


def text_content(element) -> str:
    return element.get_attribute("textContent") or ""


def no_horizontal_scroll(driver: WebDriver) -> bool:
    width, scroll = driver.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth];"
    )
    assert width == PHONE[0], f"viewport is {width} px, not phone width"
    return scroll <= width


def full_page_screenshot(driver: WebDriver, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def test_ask_shows_answer_and_highlighted_citation(page: WebDriver) -> None:
    # hold every request until released, so the busy state can be seen deterministically
    page.execute_script(
        "const real = window.fetch;"
        "const gate = new Promise((resolve) => { window.__release = resolve; });"
        "window.fetch = (...args) => gate.then(() => real(...args));"
    )
    ask(page, "2023년 기준 전 세계 바이오기술 시장 규모는?")
    button = page.find_element(By.ID, "ask-button")
    assert not button.is_enabled()
    assert button.get_attribute("aria-busy") == "true"
    assert page.find_element(By.ID, "ask-busy").is_displayed()
    page.execute_script("window.__release();")
    answer = wait(page).until(ec.visibility_of_element_located((By.ID, "answer")))
    assert page.find_element(By.ID, "answer-text").text == "1.55조 달러"
    assert "USD" in page.find_element(By.ID, "answer-value").text
    assert page.find_element(By.ID, "answer-type").text == "금액"
    assert "%" in answer.find_element(By.ID, "answer-confidence").text

    def marked(driver: WebDriver):
        marks = driver.find_elements(By.CSS_SELECTOR, ".citation mark")
        return [m for m in marks if "1.55조 달러" in text_content(m)]

    assert wait(page).until(marked)
    # the first citation is widened with the text around it, fetched from /documents/{id}/text
    first = page.find_elements(By.CSS_SELECTOR, ".citation")[0]
    quote = text_content(first.find_element(By.CSS_SELECTOR, "mark"))
    wait(page).until(
        lambda _: len(text_content(first.find_element(By.CSS_SELECTOR, ".context"))) > len(quote)
    )
    assert not page.find_elements(By.ID, "abstained")
    assert no_horizontal_scroll(page)
    full_page_screenshot(page, OUTPUT / "web-ask.png")


def test_unanswerable_question_abstains(page: WebDriver) -> None:
    ask(page, "삼성전자의 2022년 반도체 매출액은 얼마인가?")
    box = wait(page).until(ec.visibility_of_element_located((By.ID, "abstained")))
    assert "이 문서들에서는 답을 찾지 못했습니다" in box.text
    assert "삼성전자" in page.find_element(By.ID, "abstain-reason").text  # the API's reason
    assert not page.find_elements(By.ID, "answer")
    assert page.find_elements(By.CSS_SELECTOR, ".citation")  # nearest passages still listed
    assert no_horizontal_scroll(page)


def test_claim_with_wrong_figure_is_contradicted(page: WebDriver) -> None:
    page.find_element(By.ID, "cite-tab").click()
    claim = wait(page).until(ec.visibility_of_element_located((By.ID, "claim")))
    claim.send_keys("2023년 기준 전 세계 바이오기술 시장은 2.55조 달러로 평가된다")
    page.find_element(By.ID, "cite-button").click()
    verdict = wait(page).until(ec.visibility_of_element_located((By.ID, "verdict")))
    assert verdict.text == "반박"
    assert "contradicts" in verdict.get_attribute("class")
    labels = [e.text for e in page.find_elements(By.CSS_SELECTOR, ".source .source-label")]
    assert "반박" in labels
    assert "뒷받침" not in labels
    assert "뒷받침" not in page.find_element(By.ID, "cite-result").text
    contradicting = page.find_elements(By.CSS_SELECTOR, ".source.contradicts blockquote")
    assert any("1.55조 달러" in q.text for q in contradicting)
    assert no_horizontal_scroll(page)


def test_disagreeing_sources_are_shown_under_the_answer(page: WebDriver, live_server) -> None:
    memo = "시장 메모\n\n2023년 기준 전 세계 바이오기술 시장 규모는 9.99조 달러로 평가된다.\n"
    key = {"X-API-Key": live_server.api_key}
    files = {"file": ("web-memo.txt", memo.encode())}
    assert httpx.post(f"{live_server.url}/documents", files=files, headers=key).status_code == 201
    try:
        ask(page, "2023년 기준 전 세계 바이오기술 시장 규모는?")
        box = wait(page).until(ec.visibility_of_element_located((By.ID, "disagreements")))
        answer = page.find_element(By.ID, "answer-text").text
        other = ({"1.55조 달러", "9.99조 달러"} - {answer}).pop()
        assert other in text_content(box)
        assert "다른 값" in box.text
        assert no_horizontal_scroll(page)
    finally:
        httpx.delete(f"{live_server.url}/documents/web-memo", headers=key)


def test_documents_tab_lists_five_documents(page: WebDriver) -> None:
    page.find_element(By.ID, "docs-tab").click()
    docs = wait(page).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".doc")) == 5 or None)
    assert docs
    assert page.find_element(By.ID, "docs-count").text == "문서 5개"
    for doc in page.find_elements(By.CSS_SELECTOR, ".doc"):
        assert doc.find_element(By.CSS_SELECTOR, ".doc-title").text
        assert doc.find_element(By.CSS_SELECTOR, ".doc-id").text == doc.get_attribute("data-doc-id")
        assert "청크" in doc.find_element(By.CSS_SELECTOR, ".doc-chunks").text
    assert no_horizontal_scroll(page)


def test_api_validation_error_is_readable(page: WebDriver) -> None:
    # set the value directly: typing thousands of characters is slow and not the point
    page.execute_script("document.getElementById('question').value = 'ㄱ'.repeat(2500);")
    page.find_element(By.ID, "ask-button").click()
    error = wait(page).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "#ask-status .error"))
    )
    assert "HTTP 422" in error.text
    assert "질문:" in error.text and "자까지" in error.text
    assert "[{" not in error.text  # the validation list is rendered, not dumped
    assert page.find_element(By.ID, "ask-button").is_enabled()
