"""The recruiter's screen in real headless Chromium against the real stack (issue 14): the split view with the
résumé inline, review with the keyboard (next, undo), failures in Japanese, the list's state in the URL,
no CSP violation on any screen, 390 px without sideways scrolling, and axe-core without serious violations."""
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def open_row(browser, wait, name):
    """Reach the applicant's row with the keyboard (Tab focus) and open it with Enter."""
    row = wait.until(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#applicants tbody tr") if name in r.text), None))
    browser.execute_script("arguments[0].focus()", row)
    assert browser.switch_to.active_element == row  # rows are focusable (tabindex)
    row.send_keys(Keys.ENTER)
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), name))


def press(browser, key):
    """A key press on the page (not in a text field), as a person reviewing would."""
    browser.switch_to.active_element.send_keys(key)


def test_review_next_and_undo_with_the_keyboard(browser, page, live, stack, users, make_applicant, client, admin):
    """o decides OK and moves to the next undecided applicant; u puts it back, and the history keeps both changes."""
    first = make_applicant(name="一番 目", furigana="あ いちばん")
    make_applicant(name="二番 目", furigana="い にばん", decision="NG")
    third = make_applicant(name="三番 目", furigana="う さんばん")
    wait = WebDriverWait(browser, 30)
    page.watch()
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD, "/?sort=furigana")
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "3 名"))

    open_row(browser, wait, "一番 目")
    assert parse_qs(urlparse(browser.current_url).query)["open"] == [str(first)]
    press(browser, "o")
    # On to the next undecided one (二番 目 is decided already: skipped).
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "三番 目"))
    decided = client.get(f"/applicant/{first}", headers=admin["headers"]).get_json()["applicant"]
    assert decided["decision"] == "OK" and decided["decided_by"] == "admin@example.com"

    press(browser, "k")  # back up the list
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "二番 目"))
    press(browser, "j")
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "三番 目"))

    press(browser, "u")  # undo the last decision: 一番 目 is open again, undecided
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "一番 目"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "decision-history"), "OK → 未判定"))
    history = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#decision-history li")]
    assert len(history) == 2 and "未判定 → OK" in history[0] and "(元に戻す)" in history[1], history
    assert client.get(f"/applicant/{first}", headers=admin["headers"]).get_json()["applicant"]["decision"] is None
    assert [d["to"] for d in client.get(f"/applicant/{first}/decisions", headers=admin["headers"]).get_json()["decisions"]] == ["OK", None]
    assert client.get(f"/applicant/{third}", headers=admin["headers"]).get_json()["applicant"]["decision"] is None
    assert page.problems() == []


def test_a_failed_decision_is_shown_in_japanese(browser, page, live, stack, users, make_applicant, client, admin):
    """Deciding on an applicant deleted meanwhile shows a Japanese failure, and the button is usable again."""
    gone = make_applicant(name="削除 される")
    wait = WebDriverWait(browser, 30)
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    open_row(browser, wait, "削除 される")
    assert client.delete(f"/applicant/{gone}", headers=admin["headers"]).status_code == 200
    browser.find_element(By.ID, "decide-ng").click()
    failure = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#toasts .toast.failed")))
    assert "見つかりません" in failure.text and "Not found" not in failure.text
    wait.until(lambda d: d.find_element(By.ID, "decide-ng").is_enabled())
    assert browser.find_element(By.ID, "decide-ng").get_attribute("aria-busy") is None


def test_filters_page_and_open_applicant_survive_a_reload(browser, page, live, stack, users, make_applicant, admin):
    """Filters, sort, page size, the page (its cursor) and the open applicant are in the URL: a reload keeps them."""
    for number in range(1, 13):
        make_applicant(name=f"候補 {number:02d}", furigana=f"こうほ {number:02d}", source="doda" if number % 2 else "紹介",
                       decision="OK" if number == 12 else None)
    wait = WebDriverWait(browser, 30)
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "12 名"))
    Select(browser.find_element(By.ID, "filter-decision")).select_by_value("none")
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "11 名"))
    Select(browser.find_element(By.ID, "sort")).select_by_value("furigana")
    Select(browser.find_element(By.ID, "page-size")).select_by_value("10")
    wait.until(lambda d: "limit=10" in d.current_url and "sort=furigana" in d.current_url)
    wait.until(EC.text_to_be_present_in_element((By.ID, "page-label"), "1 / 2"))
    browser.find_element(By.ID, "next").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "page-label"), "2 / 2"))
    open_row(browser, wait, "候補 11")

    query = parse_qs(urlparse(browser.current_url).query)
    assert query["decision"] == ["none"] and query["sort"] == ["furigana"] and query["page"] == ["2"], query
    assert "cursor" in query and "open" in query, query
    browser.refresh()
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "11 名"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "候補 11"))
    assert "2 / 2" in browser.find_element(By.ID, "page-label").text
    assert Select(browser.find_element(By.ID, "filter-decision")).first_selected_option.get_attribute("value") == "none"
    assert Select(browser.find_element(By.ID, "sort")).first_selected_option.get_attribute("value") == "furigana"
    assert Select(browser.find_element(By.ID, "page-size")).first_selected_option.get_attribute("value") == "10"
    names = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#applicants tbody td.name-cell .name")]
    assert names == ["候補 11"], names

    # Back to page 1 by the page jump; a source filter is kept across a reload too.
    browser.find_element(By.ID, "page-jump").send_keys("1", Keys.ENTER)
    wait.until(EC.text_to_be_present_in_element((By.ID, "page-label"), "1 / 2"))
    Select(browser.find_element(By.ID, "filter-source")).select_by_value("__other")  # a 媒体 typed in
    browser.find_element(By.ID, "filter-source-other").send_keys("doda", Keys.TAB)
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "6 名"))  # 1, 3, 5, 7, 9, 11
    browser.refresh()
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "6 名"))
    assert browser.find_element(By.ID, "filter-source-other").get_attribute("value") == "doda"
    assert "候補 02" not in browser.find_element(By.ID, "applicants").text


def test_resume_pdf_is_shown_inline(browser, page, live, stack, users, make_applicant, admin):
    """The résumé is drawn in the page (pdf.js from our own origin) with visible, non-blank pixels, under the CSP."""
    from senko.demo import resumes

    make_applicant(pdf=resumes.resume_pdf(resumes.make_profile(7)), name="履歴 書子")
    wait = WebDriverWait(browser, 60)
    page.watch()
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    open_row(browser, wait, "履歴 書子")
    canvas = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#resume-viewer canvas.pdf-page")))
    assert canvas.size["width"] > 200 and canvas.size["height"] > 200
    ink = browser.execute_script("""
        const c = arguments[0], data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark += 1;
        return dark;""", canvas)
    assert ink > 500, ink  # text drawn, not a blank page
    assert page.problems() == []


def test_every_screen_without_csp_violation_narrow_layout_and_axe(browser, page, live, stack, users, make_applicant, admin):
    """Each screen at 1366 and 390 px: no CSP violation or error, no sideways scrolling, no serious axe violation."""
    from senko.demo import resumes

    make_applicant(pdf=resumes.resume_pdf(resumes.make_profile(3)), name="画面 確認", source="doda", applied_at="2026-11-20")
    make_applicant(name="仮名 ファイル", name_source="filename")
    wait = WebDriverWait(browser, 60)
    page.watch()
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    open_row(browser, wait, "画面 確認")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#resume-viewer canvas")))
    screens = {
        "applicants": lambda: None,
        "sources": lambda: browser.find_element(By.ID, "nav-sources").click(),
        "users": lambda: browser.find_element(By.ID, "nav-users").click(),
        "account": lambda: browser.find_element(By.ID, "account").click(),
    }
    found = {}
    for width in (1366, 390):
        page.set_width(width)
        browser.find_element(By.ID, "nav-applicants").click()
        for name, show in screens.items():
            show()
            wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
            wait.until(EC.visibility_of_element_located((By.ID, {"applicants": "applicants", "sources": "sources-view",
                                                                 "users": "users", "account": "account-card"}[name])))
            layout = browser.execute_script("return [document.scrollingElement.scrollWidth, window.innerWidth]")
            if width == 390:
                assert layout[0] <= layout[1], (name, layout)
            violations = page.serious_axe()
            if violations:
                found[f"{name}@{width}"] = violations
        browser.find_element(By.ID, "account-close").click()
    assert found == {}
    assert page.problems() == []
    # The login screen too (after logging out).
    browser.find_element(By.ID, "nav-applicants").click()
    browser.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "login-form")))
    assert page.serious_axe() == []
    assert page.problems() == []


def test_editing_confirms_a_provisional_name_and_a_duplicate_links_to_the_other(browser, page, live, stack, users, make_applicant,
                                                                               client, admin):
    """A file-name name is marked until edited; the edit is saved through the API; a possible duplicate links to the other."""
    original = make_applicant(name="佐藤 花子", furigana="さとう はなこ", email="hanako@example.com")
    provisional = make_applicant(name="sato_resume", name_source="filename", furigana="ん", duplicate_of_id=original)
    wait = WebDriverWait(browser, 30)
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    open_row(browser, wait, "sato_resume")
    assert "仮の氏名" in browser.find_element(By.ID, "detail-flags").text
    browser.find_element(By.CSS_SELECTOR, "#edit-details summary").click()
    name = wait.until(EC.visibility_of_element_located((By.ID, "edit-name")))
    name.clear()
    name.send_keys("佐藤 花子")
    browser.find_element(By.ID, "edit-phone").send_keys("03-1234-5678")
    browser.find_element(By.ID, "edit-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "edit-message"), "保存しました"))
    saved = client.get(f"/applicant/{provisional}", headers=admin["headers"]).get_json()["applicant"]
    assert saved["name"] == "佐藤 花子" and saved["name_source"] == "entered" and saved["phone"] == "03-1234-5678"
    wait.until(lambda d: "仮の氏名" not in d.find_element(By.ID, "detail-flags").text)

    browser.find_element(By.CSS_SELECTOR, "#detail-flags a.duplicate-link").click()
    wait.until(lambda d: parse_qs(urlparse(d.current_url).query).get("open") == [str(original)])
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "さとう はなこ"))
