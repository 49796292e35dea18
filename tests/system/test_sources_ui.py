"""The 媒体連携 page in real headless Chromium: allow list, add a source, 接続テスト, run now, history, 媒体 column and filter."""
import json

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

SOURCE = "テスト求人ボード"
# The events poll redraws the tables every few seconds: an element found a moment ago may be gone, and a
# popup may briefly cover a button (as a person would, wait and click again).
STALE = (StaleElementReferenceException, ElementClickInterceptedException)


def waiter(browser, timeout: float = 90) -> WebDriverWait:
    return WebDriverWait(browser, timeout, ignored_exceptions=STALE)


def wait_text(browser, wait, element_id: str, text: str) -> None:
    """Wait for ``text`` in the element; on timeout, say what the page showed instead."""
    try:
        wait.until(EC.text_to_be_present_in_element((By.ID, element_id), text))
    except TimeoutException:
        shown = {i: browser.find_element(By.ID, i).text for i in
                 (element_id, "source-error", "source-test-result", "sources-message", "allow-list-message")}
        raise AssertionError(f"{text!r} not in #{element_id}; the page shows {shown}") from None


def click_in_row(wait, name: str, css: str) -> None:
    """Click a button of the source's row (found again if the table was redrawn meanwhile)."""
    wait.until(lambda d: source_row(d, name).find_element(By.CSS_SELECTOR, css).click() or True)


def log_in(browser, wait, ui: str, email: str, password: str) -> None:
    browser.get(ui)
    browser.find_element(By.ID, "login-email").send_keys(email)
    browser.find_element(By.ID, "login-password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), email))


def type_into(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def source_row(browser, name: str):
    """The row of the source called ``name`` (NoSuchElementException, which waits ignore, until it is there)."""
    for row in browser.find_elements(By.CSS_SELECTOR, "#sources tbody tr"):
        if row.find_element(By.CSS_SELECTOR, "td.name").text == name:
            return row
    raise NoSuchElementException(f"no row for {name}")


def newest_run(browser) -> dict | None:
    """The first row of the history table: its status and its count of new applicants."""
    try:
        rows = browser.find_elements(By.CSS_SELECTOR, "#source-runs tbody tr[data-status]")
        if not rows:
            return None
        return {"status": rows[0].get_attribute("data-status"), "new": int(rows[0].find_element(By.CSS_SELECTOR, "td.new").text)}
    except StaleElementReferenceException:
        return None


def test_admin_adds_a_source_tests_runs_it_and_filters_applicants(browser, live, stack, worker, users, job_board,
                                                                   make_applicant):
    """An admin allows the board, adds a json_api source, tests it, runs it, sees the history; the list shows and filters 媒体."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    make_applicant(name="手入力 花子")  # not from the board: the filter must leave her out
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/"
    wait = waiter(browser)
    log_in(browser, wait, ui, "admin@example.com", users.ADMIN_PASSWORD)
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "1 名"))

    browser.find_element(By.ID, "nav-sources").click()
    wait.until(EC.visibility_of_element_located((By.ID, "sources-view")))
    assert not browser.find_element(By.ID, "applicants-view").is_displayed()

    # The board listens on loopback: only an allow-list entry lets Senko reach it. Type once the stored list is shown.
    wait_text(browser, wait, "allow-list-meta", "まだ変更されていません")
    type_into(browser.find_element(By.ID, "allow-list-entries"), f"127.0.0.1:{job_board.port}")
    browser.find_element(By.ID, "allow-list-save").click()
    wait_text(browser, wait, "allow-list-message", "保存しました")
    wait_text(browser, wait, "allow-list-meta", "admin@example.com")

    browser.find_element(By.ID, "source-add").click()
    wait.until(EC.visibility_of_element_located((By.ID, "source-form")))
    assert '"api_key": ""' in browser.find_element(By.ID, "source-settings").get_attribute("value")  # the template
    assert browser.find_element(By.ID, "source-schedule").get_attribute("value") == "07:30,11:30,15:30,19:30"
    type_into(browser.find_element(By.ID, "source-name"), SOURCE)
    Select(browser.find_element(By.ID, "source-kind")).select_by_value("json_api")
    settings = {"url": f"{job_board.url}/api/applications", "api_key": "demo-key", "items_path": "applications",
                "cursor_param": "cursor", "next_cursor_path": "next_cursor",
                "fields": {"name": "applicant.name", "furigana": "applicant.kana", "email": "contact.email",
                           "phone": "contact.phone"}}
    type_into(browser.find_element(By.ID, "source-settings"), json.dumps(settings))

    # The API's refusal shows in the form.
    type_into(browser.find_element(By.ID, "source-schedule"), "7時半")
    browser.find_element(By.ID, "source-save").click()
    wait.until(lambda d: d.find_element(By.ID, "source-error").text)
    type_into(browser.find_element(By.ID, "source-schedule"), "07:30,11:30,15:30,19:30")

    browser.find_element(By.ID, "source-test").click()
    wait_text(browser, wait, "source-test-result", "接続できました")
    wait_text(browser, wait, "source-test-items", "JB-00001")
    assert browser.find_element(By.ID, "source-error").text == ""
    browser.save_screenshot(str(stack.log / "ui-source-form.png"))

    browser.find_element(By.ID, "source-save").click()
    wait_text(browser, wait, "sources-message", "保存しました")
    assert not browser.find_element(By.ID, "source-form-card").is_displayed()
    text = wait.until(lambda d: source_row(d, SOURCE).text)
    assert "JSON API" in text and "有効" in text and "未実行" in text
    assert "年" in text and "月" in text  # the next run, in Japan time

    click_in_row(wait, SOURCE, "button.run")
    wait_text(browser, wait, "sources-message", "取り込みを開始しました")
    click_in_row(wait, SOURCE, "button.history")
    wait.until(EC.visibility_of_element_located((By.ID, "source-runs-card")))
    wait.until(lambda d: (newest_run(d) or {}).get("status") in ("ok", "partial"))
    run = newest_run(browser)
    assert run["new"] > 0, run
    wait_text(browser, wait, "toasts", f"{SOURCE} から {run['new']} 件の応募を取り込みました")
    wait.until(lambda d: source_row(d, SOURCE).find_element(By.CSS_SELECTOR, "button.run").is_enabled())
    assert f"新規 {run['new']}" in wait.until(lambda d: source_row(d, SOURCE).text)
    browser.save_screenshot(str(stack.log / "ui-sources.png"))

    # Editing shows no secret (an empty api_key keeps the stored one); pausing the source clears its next run.
    click_in_row(wait, SOURCE, "button.edit")
    wait.until(EC.visibility_of_element_located((By.ID, "source-form")))
    shown = browser.find_element(By.ID, "source-settings").get_attribute("value")
    assert '"api_key": ""' in shown and "demo-key" not in shown and "applicant.kana" in shown
    assert "api_key" in browser.find_element(By.ID, "source-secrets-saved").text
    browser.find_element(By.ID, "source-enabled").click()
    browser.find_element(By.ID, "source-save").click()
    wait.until(lambda d: "停止中" in source_row(d, SOURCE).text)

    browser.find_element(By.ID, "nav-applicants").click()
    wait.until(EC.visibility_of_element_located((By.ID, "applicants-view")))
    wait_text(browser, wait, "total", f"{run['new'] + 1} 名")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#applicants thead th")]
    assert "媒体" in headers
    assert SOURCE in wait.until(lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#applicants tbody td.source")])

    Select(browser.find_element(By.ID, "filter-source")).select_by_visible_text(SOURCE)
    wait_text(browser, wait, "total", f"{run['new']} 名")
    sources = wait.until(lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#applicants tbody td.source")])
    assert set(sources) == {SOURCE}
    assert "手入力 花子" not in wait.until(lambda d: d.find_element(By.ID, "applicants").text)

    # Deleting the source (after a confirm) keeps its applicants.
    browser.find_element(By.ID, "nav-sources").click()
    click_in_row(wait, SOURCE, "button.delete")
    wait.until(EC.alert_is_present()).accept()
    wait.until(EC.visibility_of_element_located((By.ID, "sources-empty")))
    browser.find_element(By.ID, "nav-applicants").click()
    wait_text(browser, wait, "total", f"{run['new']} 名")


def test_recruiter_sees_the_source_column_and_filter_but_not_the_page(browser, live, stack, users, admin, make_applicant):
    """A recruiter filters by 媒体 (free text too) and has no 媒体連携 page."""
    created = users.client.post("/sources", headers=admin["headers"], json={
        "name": "doda", "kind": "json_api", "settings": {"url": "https://board.example/api/applications",
                                                         "api_key": "k", "items_path": "applications", "page_param": "page"}})
    assert created.status_code == 201, created.get_json()
    make_applicant(name="媒体 一郎", source="doda")
    make_applicant(name="紹介 次郎", source="紹介")
    users.create("recruiter@example.com", users.RECRUITER_PASSWORD, "recruiter", "採用 花子")
    wait = waiter(browser, 60)
    log_in(browser, wait, f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/", "recruiter@example.com",
           users.RECRUITER_PASSWORD)
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "2 名"))
    assert not browser.find_element(By.ID, "nav").is_displayed()
    assert not browser.find_element(By.ID, "sources-view").is_displayed()

    Select(browser.find_element(By.ID, "filter-source")).select_by_visible_text("doda")
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "1 名"))
    assert "媒体 一郎" in browser.find_element(By.ID, "applicants").text

    Select(browser.find_element(By.ID, "filter-source")).select_by_value("__other")
    other = browser.find_element(By.ID, "filter-source-other")
    assert other.is_displayed()
    other.send_keys("紹介\n")
    wait.until(lambda d: "紹介 次郎" in d.find_element(By.ID, "applicants").text and
               "媒体 一郎" not in d.find_element(By.ID, "applicants").text)


def test_a_failed_run_pops_up_in_red_and_shows_in_the_history(browser, live, stack, worker, users, admin, job_board):
    """A wrong API key: the run fails, a red popup says why (認証エラー), the history shows 失敗 with the reason."""
    allowed = users.client.put("/sources/allow-list", headers=admin["headers"], json={"entries": [f"127.0.0.1:{job_board.port}"]})
    assert allowed.status_code == 200, allowed.get_json()
    created = users.client.post("/sources", headers=admin["headers"], json={
        "name": "doda", "kind": "json_api", "settings": {"url": f"{job_board.url}/api/applications", "api_key": "wrong-key",
                                                         "items_path": "applications", "cursor_param": "cursor"}})
    assert created.status_code == 201, created.get_json()
    wait = waiter(browser)
    log_in(browser, wait, f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/#sources", "admin@example.com",
           users.ADMIN_PASSWORD)
    wait.until(EC.visibility_of_element_located((By.ID, "sources-view")))

    click_in_row(wait, "doda", "button.run")
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#toasts .toast.failed"), "doda の取り込みに失敗しました (認証エラー)"))
    wait.until(lambda d: (newest_run(d) or {}).get("status") == "failed")
    assert "失敗" in browser.find_element(By.ID, "source-runs").text
    assert browser.find_element(By.CSS_SELECTOR, "#source-runs tbody tr td:last-child").text  # the reason, in words
    assert "失敗" in wait.until(lambda d: source_row(d, "doda").text)
