"""The fairness pages in real headless Chromium against the real stack (issue 12 §5, §6): an auditor sees the
adverse-impact report flag a seeded biased group (in Japanese, with table and charts, at 390 px too), a recruiter
cannot reach it, and an admin acknowledges a model card, after which activation (refused before) succeeds.
No CSP violation and no uncaught error on any of these screens."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# Open a page: through the shell's nav entry when it has one, else the module mounted as the shell mounts views
# (mount(container, ctx) with the signed-in user's role).
MOUNT = """
const [module, nav, done] = arguments;
const link = document.getElementById(nav);
if (link && !link.hidden && link.offsetParent !== null) { link.click(); done('nav'); return; }
Promise.all([import(`/js/${module}`), import('/js/session.js')]).then(([view, session]) => {
  let host = document.getElementById('test-view-host');
  if (!host) { host = document.createElement('div'); host.id = 'test-view-host'; document.getElementById('app-view').prepend(host); }
  view.mount(host, { role: session.user().role, openApplicant() {} });
  done('mounted');
}).catch((error) => done(`failed: ${error}`));
"""


def open_view(browser, module: str, nav: str):
    how = browser.execute_async_script(MOUNT, module, nav)
    assert how in ("nav", "mounted"), how


def seed_biased(app) -> None:
    """240 scored, decided applicants: men above the threshold (and OK) in 50 %, women in 20 % (ratio 0.4);
    the age band is an unbiased control (both bands hold the same mix)."""
    from senko.extensions import db
    from senko.models import Applicant, ApplicantAttributes
    from senko.models.mixins import utcnow

    with app.app_context():
        for i in range(240):
            male, older, k = i % 2, (i // 2) % 2, i // 4
            above = k % 2 == 0 if male else k % 5 == 0
            applicant = Applicant(name="監査 対象", status="scored", score=0.8 if above else 0.3, model_version="v1",
                                  decision="OK" if above else "NG", decided_at=utcnow())
            db.session.add(applicant)
            db.session.flush()
            db.session.add(ApplicantAttributes(applicant_id=applicant.id, gender="male" if male else "female",
                                               age_band="35-44" if older else "25-34", prefecture="東京都"))
        db.session.commit()


def test_auditor_sees_the_flagged_group_and_a_recruiter_cannot_reach_the_report(browser, page, live, stack, app, users):
    """The biased gender split is flagged in Japanese (warning, flagged row, charts); the control is not; 390 px fits;
    a recruiter's page refuses and the API answers 403."""
    seed_biased(app)
    users.create("auditor@example.com", "auditor-password-123", "auditor", "監査 役")
    users.create("recruiter@example.com", users.RECRUITER_PASSWORD, "recruiter", "採用 花子")
    wait = WebDriverWait(browser, 60)
    page.watch()
    page.login(wait, "auditor@example.com", "auditor-password-123")
    # An auditor lands on the report, the only page of the role: no applicant list, no uploads, no refused requests.
    wait.until(EC.visibility_of_element_located((By.ID, "fairness-view")))
    assert not browser.find_element(By.ID, "applicants-view").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#applicants-view table tbody tr") == []

    warning = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#fx-warnings .fx-warning")))
    assert warning.get_attribute("role") == "alert"
    assert "5分の4ルールを下回るグループがあります" in warning.text
    assert "性別「女性」" in warning.text and "「男性」の 0.40 倍" in warning.text, warning.text
    assert "four-fifths" not in warning.text  # the API's English message is not shown
    assert "性別" in Select(browser.find_element(By.ID, "fx-attribute")).first_selected_option.text
    assert browser.find_element(By.CSS_SELECTOR, "label[for=fx-attribute]").text == "属性"
    table = browser.find_element(By.CSS_SELECTOR, "#fx-table table")
    assert "性別別の選考結果" in table.find_element(By.TAG_NAME, "caption").text
    assert {th.get_attribute("scope") for th in table.find_elements(By.CSS_SELECTOR, "thead th")} == {"col"}
    rows = {r.find_element(By.CSS_SELECTOR, "th[scope=row]").text: r for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert set(rows) == {"女性 要注意", "男性"}, list(rows)
    female = rows["女性 要注意"]
    assert "fx-flagged" in female.get_attribute("class") and "120 名" in female.text and "20.0%" in female.text
    assert "0.40 (95%CI" in female.text
    # Both charts are drawn (Chart.js from our own origin): canvases with a size.
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".fx-charts canvas")) == 2)
    sizes = browser.execute_script("return [...document.querySelectorAll('.fx-charts canvas')].map((c) => c.width * c.height)")
    assert all(size > 0 for size in sizes), sizes
    report = browser.find_element(By.ID, "fairness-report")
    browser.execute_script("arguments[0].scrollIntoView()", report)
    report.screenshot(str(stack.log / "fairness-report.png"))

    # The control attribute: no warning.
    Select(browser.find_element(By.ID, "fx-attribute")).select_by_value("age_band")
    wait.until(EC.text_to_be_present_in_element((By.ID, "fx-summary"), "年齢層別"))
    assert browser.find_elements(By.CSS_SELECTOR, "#fx-warnings .fx-warning") == []
    assert "比が 0.8 を下回るものはありません" in browser.find_element(By.ID, "fx-warnings").text

    # 390 px: no sideways scrolling (the table scrolls inside its own box).
    Select(browser.find_element(By.ID, "fx-attribute")).select_by_value("gender")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#fx-warnings .fx-warning")))
    assert page.serious_axe("#fairness-report") == []
    page.set_width(390)
    wait.until(lambda d: d.execute_script("return window.innerWidth") == 390)
    layout = browser.execute_script("return [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert layout[0] <= layout[1], layout
    assert page.serious_axe("#fairness-report") == []
    assert page.problems() == []
    assert not [t.text for t in browser.find_elements(By.CSS_SELECTOR, ".toast, .sk-toast") if t.is_displayed()]

    # A recruiter: the page refuses without asking the API, and the API refuses the report itself.
    page.set_width(1280)
    browser.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "login-form")))
    page.login(wait, "recruiter@example.com", users.RECRUITER_PASSWORD)
    nav = browser.find_elements(By.ID, "nav-fairness")
    assert not nav or not nav[0].is_displayed()
    open_view(browser, "fairness.js", "nav-fairness")
    refused = wait.until(EC.visibility_of_element_located((By.ID, "fx-refused")))
    assert "監査担当者と管理者だけ" in refused.text
    assert browser.find_elements(By.ID, "fx-table") == []
    status = browser.execute_async_script(
        "const done = arguments[0];"
        "import('/js/api.js').then((m) => m.api('/fairness/report?attribute=gender')).then(() => done(200), (e) => done(e.status))")
    assert status == 403
    assert page.problems() == []


def test_admin_acknowledges_the_card_then_activation_succeeds(browser, page, live, stack, app, users, admin, client, make_model):
    """Activation is refused in Japanese before the card is read and acknowledged; 「確認しました」 is disabled until
    the card was read to its end; after it, activation succeeds."""
    version = make_model()
    wait = WebDriverWait(browser, 60)
    page.watch()
    page.login(wait, "admin@example.com", users.ADMIN_PASSWORD)
    open_view(browser, "governance.js", "nav-governance")

    wait.until(EC.text_to_be_present_in_element((By.ID, "gv-status"), "まだ確認されていません"))
    card = browser.find_element(By.ID, "gv-card")
    assert card.get_attribute("aria-label") == f"モデルカード {version}"
    for part in ("学習データ", "AUC", "交差検証", "グループ別の指標", "効いている名詞"):
        assert part in card.get_attribute("textContent"), part
    assert browser.find_element(By.ID, "gv-shadow").is_displayed()

    activate = browser.find_element(By.ID, "gv-activate")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", activate)
    activate.click()
    message = wait.until(EC.visibility_of_element_located((By.ID, "gv-activate-message")))
    wait.until(lambda d: "モデルカードがまだ確認されていません" in message.text)
    assert message.get_attribute("role") == "alert" and "acknowledge" not in message.text
    models = client.get("/models", headers=admin["headers"]).get_json()["models"]
    assert next(m for m in models if m["version"] == version)["status"] == "candidate"

    ack = browser.find_element(By.ID, "gv-ack")
    assert not ack.is_enabled()  # not read yet
    browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", browser.find_element(By.ID, "gv-card-end"))
    wait.until(lambda d: ack.is_enabled())
    browser.find_element(By.ID, "gv-ack-note").send_keys("指標と名詞を確認")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", ack)
    ack.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "gv-status"), "モデルカード確認済み: admin@example.com"))
    assert "指標と名詞を確認" in browser.find_element(By.ID, "gv-status").text
    assert browser.find_elements(By.ID, "gv-ack") == []

    activate = browser.find_element(By.ID, "gv-activate")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", activate)
    activate.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "gv-status"), f"{version} を有効にしました"))
    models = client.get("/models", headers=admin["headers"]).get_json()["models"]
    chosen = next(m for m in models if m["version"] == version)
    assert chosen["status"] == "active" and chosen["card_acknowledged_by"] == "admin@example.com"
    browser.save_screenshot(str(stack.log / "fairness-governance.png"))
    assert page.serious_axe("#model-governance") == []
    page.set_width(390)
    wait.until(lambda d: d.execute_script("return window.innerWidth") == 390)
    layout = browser.execute_script("return [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert layout[0] <= layout[1], layout
    assert page.problems() == []
