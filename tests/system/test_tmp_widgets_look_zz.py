import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def test_look(browser, live, stack, users, make_applicant, app):
    from senko.extensions import db
    from senko.models.event import record_event
    users.create("a@example.com", users.ADMIN_PASSWORD, "admin")
    ids = []
    for i, (score, decision) in enumerate([(0.72, "OK"), (0.71, None), (0.73, "NG"), (0.30, "NG"), (0.31, None), (0.9, "OK"), (0.55, None), (0.12, "NG")]):
        ids.append(make_applicant(name=f"テスト {i}", status="scored", score=score, decision=decision))
    with app.app_context():
        record_event("scored", "テスト 0さんの書類選考スコア: 72%", ids[0])
        record_event("source_failed", "doda の取り込みに失敗しました (timeout)")
        db.session.commit()
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"
    browser.get(f"{ui}/")
    wait = WebDriverWait(browser, 60)
    browser.find_element(By.ID, "login-email").send_keys("a@example.com")
    browser.find_element(By.ID, "login-password").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#histogram-slot canvas"))
    time.sleep(2)
    browser.save_screenshot("/tmp/look-wide.png")
    browser.find_element(By.CSS_SELECTOR, "#bell-slot .sk-bell-button").click()
    time.sleep(0.5)
    browser.save_screenshot("/tmp/look-bell.png")
    browser.set_window_size(390, 1400)
    time.sleep(1)
    browser.save_screenshot("/tmp/look-narrow.png")
