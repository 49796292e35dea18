"""The browser UI in real headless Chromium: login across origins (CORS), upload, popup when processing ends, decision."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def test_ui_login_upload_popup_and_decision(browser, live, stack, worker, users, tmp_path):
    """Log in from the UI origin, upload a résumé, see the popup when the worker finishes, record a decision."""
    from senko.demo import resumes

    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/?api={live}"
    wait = WebDriverWait(browser, 60)
    browser.get(ui)

    browser.find_element(By.ID, "login-email").send_keys("admin@example.com")
    browser.find_element(By.ID, "login-password").send_keys("wrong-password!")
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "login-error"), "Wrong email or password"))

    browser.find_element(By.ID, "login-password").clear()
    browser.find_element(By.ID, "login-password").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), "admin@example.com"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "0 名"))

    pdf = tmp_path / "履歴書.pdf"
    pdf.write_bytes(resumes.resume_pdf(resumes.make_profile(12)))
    browser.find_element(By.ID, "upload-name").send_keys("小林 誠")
    browser.find_element(By.ID, "upload-file").send_keys(str(pdf))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "upload-message"), "受け付けました"))

    # The worker finishes; the events poll pops up a toast naming the applicant.
    wait.until(EC.text_to_be_present_in_element((By.ID, "toasts"), "小林 誠さん"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "applicants"), "未採点"))

    browser.find_element(By.CSS_SELECTOR, "#applicants tbody button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "小林 誠"))
    wait.until(lambda d: "×" in d.find_element(By.ID, "detail-nouns").text)
    assert "小林" not in browser.find_element(By.ID, "detail-nouns").text
    browser.find_element(By.ID, "decide-ok").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-status"), "判定 OK (admin@example.com"))
    browser.save_screenshot(str(stack.log / "ui-after-decision.png"))
