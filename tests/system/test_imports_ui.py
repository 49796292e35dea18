"""The Excel import page in real headless Chromium: log in, open 「Excel取り込み」, choose a file, see the preview
with the proposed mapping as dropdowns and the normalised values beside the originals, correct one column,
「取り込む」, and the popup 「N件取り込み、M件エラー」 with the applicants really stored."""
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from senko.demo import spreadsheets


def log_in(browser, wait, ui: str, email: str, password: str) -> None:
    browser.get(ui)
    wait.until(EC.visibility_of_element_located((By.ID, "login-email"))).send_keys(email)
    browser.find_element(By.ID, "login-password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), email))


def test_preview_map_and_commit_in_the_browser(browser, live, worker, stack, users, app, tmp_path):
    """Choose a file → per-sheet preview with dropdowns → unmap 備考 → 取り込む → popup with the summary."""
    from senko.extensions import db
    from senko.models import Applicant

    users.create("recruiter@example.com", users.RECRUITER_PASSWORD, "recruiter", "採用 花子")
    case = spreadsheets.case("clean")
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/"
    wait = WebDriverWait(browser, 90)
    log_in(browser, wait, ui, "recruiter@example.com", users.RECRUITER_PASSWORD)

    wait.until(EC.element_to_be_clickable((By.ID, "nav-imports"))).click()
    wait.until(EC.visibility_of_element_located((By.ID, "import-file"))).send_keys(str(path))
    try:
        section = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#sheets section.sheet")))
    except TimeoutException:
        raise AssertionError(f"no preview; the page says {browser.find_element(By.ID, 'main').text!r}") from None
    assert section.get_attribute("data-sheet") == "応募者"
    selects = {s.get_attribute("data-column"): Select(s) for s in section.find_elements(By.CSS_SELECTOR, "select[data-column]")}
    assert selects["氏名"].first_selected_option.get_attribute("value") == "name"
    assert selects["メール"].first_selected_option.get_attribute("value") == "email"
    first = case.applicants[0]
    rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(case.applicants)
    assert first["email"] in rows[0].text and first["applied_at"].isoformat() in rows[0].text  # original and normalised
    selects["媒体"].select_by_value("")  # the person decides not to take the 媒体 column

    browser.find_element(By.ID, "import-commit").click()
    wait.until(EC.visibility_of_element_located((By.ID, "import-done")))
    message = browser.find_element(By.ID, "import-done-message").text
    assert message == f"{len(case.applicants)}件取り込み、0件エラー"
    assert browser.find_element(By.ID, "import-progress").get_attribute("value") == str(len(case.applicants))
    browser.save_screenshot(str(stack.log / "ui-imports.png"))
    browser.find_element(By.ID, "import-done-close").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "recent-imports"), "完了"))
    with app.app_context():
        stored = db.session.scalars(db.select(Applicant)).all()
        assert sorted(a.email for a in stored) == sorted(p["email"] for p in case.applicants)
        assert all(a.source is None for a in stored)
