"""The hidden-text flag in real headless Chromium: a stuffed résumé pops up a warning and carries 「隠し文字あり」."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def test_stuffed_resume_is_flagged_in_the_list_and_the_detail(browser, live, stack, worker, users, tmp_path):
    """Upload a résumé with an invisible line of keywords: toast, badge in the list and in the detail (styled by the CSS)."""
    from senko.demo import hostile, resumes

    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    wait = WebDriverWait(browser, 60)
    browser.get(f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/")
    wait.until(EC.visibility_of_element_located((By.ID, "login-email"))).send_keys("admin@example.com")
    browser.find_element(By.ID, "login-password").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "0 名"))

    pdf = tmp_path / "履歴書.pdf"
    pdf.write_bytes(hostile.stuffed_resume_pdf(resumes.make_profile(1014), resumes.STRONG, ("invisible",)))
    upload = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#upload-slot form")))  # upload.js's panel
    upload.find_element(By.CSS_SELECTOR, "input[name=name]").send_keys("小林 由美")
    upload.find_element(By.CSS_SELECTOR, "input[name=resume]").send_keys(str(pdf))
    upload.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    wait.until(EC.text_to_be_present_in_element((By.ID, "toasts"), "見えない文字"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "applicants"), "隠し文字あり"))
    browser.find_element(By.CSS_SELECTOR, "#applicants tbody button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-status"), "隠し文字あり"))
    badge = browser.find_element(By.CSS_SELECTOR, "#detail-status .badge.hidden-text")
    assert "見えない文字" in badge.get_attribute("title")
    assert badge.value_of_css_property("font-weight") in ("700", "bold")
