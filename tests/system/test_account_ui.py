"""The UI's account and audit parts in real headless Chromium: decision history with undo, password change,
deactivating a user, and the audit trail showing who did it."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def log_in(browser, wait, ui: str, email: str, password: str) -> None:
    browser.get(ui)
    wait.until(EC.visibility_of_element_located((By.ID, "login-email"))).send_keys(email)
    browser.find_element(By.ID, "login-password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), email))


def test_decision_history_password_change_and_deactivation(browser, live, stack, users, client, app):
    """Decide with a note, undo, see both in the history; change the password; deactivate a user; read the audit."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    users.create("leaver@example.com", "leaver-password-123", "recruiter", "退職 予定")
    leaver = users.login("leaver@example.com", "leaver-password-123")
    admin = users.login("admin@example.com", users.ADMIN_PASSWORD)
    created = client.post("/applicant", headers=users.headers(admin["access_token"]), json={"name": "判定 履歴子"})
    assert created.status_code == 201
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}/"
    wait = WebDriverWait(browser, 30)
    log_in(browser, wait, ui, "admin@example.com", users.ADMIN_PASSWORD)

    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#applicants tbody button"))).click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "detail-name"), "判定 履歴子"))
    browser.find_element(By.ID, "decision-note").send_keys("経験が合う")
    browser.find_element(By.ID, "decide-ok").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "decision-history"), "未判定 → OK (経験が合う)"))
    wait.until(EC.element_to_be_clickable((By.ID, "decide-clear"))).click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "decision-history"), "OK → 未判定"))
    history = browser.find_elements(By.CSS_SELECTOR, "#decision-history li")
    assert len(history) == 2 and "admin@example.com" in history[0].text

    browser.find_element(By.ID, "account").click()
    browser.find_element(By.ID, "password-current").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.ID, "password-new").send_keys("a-new-admin-password-1")
    browser.find_element(By.CSS_SELECTOR, "#password-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "password-message"), "パスワードを変更しました"))
    # The other session (the admin token of this test) ended; the browser's own goes on with its new tokens.
    assert client.get("/user/me", headers=users.headers(admin["access_token"])).status_code == 401

    browser.find_element(By.ID, "nav-users").click()
    row = wait.until(EC.presence_of_element_located((By.XPATH, "//table[@id='users']//tr[td[text()='leaver@example.com']]")))
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    browser.switch_to.alert.accept()
    wait.until(EC.text_to_be_present_in_element((By.ID, "users-message"), "Updated user leaver@example.com"))
    wait.until(EC.presence_of_element_located((By.XPATH, "//table[@id='users']//tr[@class='inactive'][td[text()='leaver@example.com']]")))
    assert client.get("/user/me", headers=users.headers(leaver["access_token"])).status_code == 401

    browser.refresh()
    wait.until(EC.text_to_be_present_in_element((By.ID, "audit"), "ユーザー変更"))
    audit = browser.find_element(By.ID, "audit").text
    for words in ("判定", "パスワード変更", "応募者を閲覧", "admin@example.com"):
        assert words in audit
    browser.save_screenshot(str(stack.log / "ui-users-and-audit.png"))
