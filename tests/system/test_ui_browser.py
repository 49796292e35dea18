"""The browser UI in real headless Chromium: login across origins (CORS), upload, popup when processing ends, decision."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def test_ui_login_upload_popup_and_decision(browser, live, stack, worker, users, tmp_path):
    """Log in from the UI origin, upload a résumé, see the popup when the worker finishes, record a decision."""
    from senko.demo import resumes

    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/"
    wait = WebDriverWait(browser, 60)
    browser.get(ui)

    browser.find_element(By.ID, "login-email").send_keys("admin@example.com")
    browser.find_element(By.ID, "login-password").send_keys("wrong-password!")
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "login-error"), "メールアドレスまたはパスワードが違います"))

    browser.find_element(By.ID, "login-password").clear()
    browser.find_element(By.ID, "login-password").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), "admin@example.com"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "0 名"))

    pdf = tmp_path / "履歴書.pdf"
    pdf.write_bytes(resumes.resume_pdf(resumes.make_profile(12)))
    upload = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#upload-slot form")))  # upload.js's panel
    upload.find_element(By.CSS_SELECTOR, "input[name=name]").send_keys("小林 誠")
    upload.find_element(By.CSS_SELECTOR, "input[name=resume]").send_keys(str(pdf))
    upload.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "upload-slot"), "受け付けました"))

    # The worker finishes; the events poll pops up a toast naming the applicant.
    wait.until(EC.text_to_be_present_in_element((By.ID, "toasts"), "小林 誠さん"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "applicants"), "未採点"))

    browser.find_element(By.CSS_SELECTOR, "#applicants tbody button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "小林 誠"))
    wait.until(EC.element_to_be_clickable((By.ID, "nouns-toggle"))).click()  # the full noun list is behind a toggle
    wait.until(lambda d: "×" in d.find_element(By.ID, "detail-nouns").text)
    assert "小林" not in browser.find_element(By.ID, "detail-nouns").text
    browser.find_element(By.ID, "decide-ok").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-status"), "判定 OK (admin@example.com"))
    browser.save_screenshot(str(stack.log / "ui-after-decision.png"))


def test_the_api_origin_comes_only_from_config_js(browser, live, stack):
    """config.js (rendered by the stack with its API port) decides where the UI sends the login; ?api= is ignored."""
    import requests

    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"
    served = requests.get(f"{ui}/config.js", timeout=10)
    assert served.status_code == 200 and f"apiPort: {stack.env['SENKO_API_PORT']}" in served.text
    browser.get(f"{ui}/?api=http://attacker.example:8000")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "login-form")))
    api_base = browser.execute_async_script("import('/js/api.js').then((m) => arguments[0](m.apiBase()))")
    assert api_base == f"http://127.0.0.1:{stack.env['SENKO_API_PORT']}"
    assert browser.execute_script("return sessionStorage.getItem('senko.api')") is None
