"""The UI's widgets in real headless Chromium against the real stack, under the UI's CSP.

charts.js (score histogram, model charts), bell.js (popups and the bell), upload.js (per-file progress,
drag and drop, collapsing) are mounted by the test into the served page the way the shell mounts them,
with a ctx that records what they ask of the shell. Every test ends with no CSP violation.
"""
import base64
from pathlib import Path

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""

# Mounts one widget into a fresh host at the top of the page; ctx records the calls into window.__calls.
MOUNT = """
const [module, mount, id, ctxExtra, done] = arguments;
(async () => {
  if (!document.querySelector('link[href="/css/widgets.css"]')) {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/css/widgets.css" });
    document.head.append(link);
  }
  window.__calls ||= { filters: [], opened: [] };
  window.__widgets ||= {};
  const host = Object.assign(document.createElement("div"), { id });
  document.body.prepend(host);
  const ctx = { role: "recruiter", onFilter: (f) => window.__calls.filters.push(f),
                openApplicant: (applicantId) => window.__calls.opened.push(applicantId), ...ctxExtra };
  const widgets = await import(`/js/${module}`);
  window.__widgets[id] = widgets[mount](host, ctx);
})().then(() => done(null), (error) => done(String(error && error.stack || error)));
"""


def open_ui(browser, stack, live, email: str, password: str) -> str:
    """The UI page with this user's tokens in the tab (as after a login), collecting CSP violations."""
    tokens = requests.post(f"{live}/user/login", json={"email": email, "password": password}, timeout=30).json()
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COLLECT_VIOLATIONS})
    browser.get(f"{ui}/")
    browser.execute_script("sessionStorage.setItem('senko.access', arguments[0]);"
                           "sessionStorage.setItem('senko.refresh', arguments[1]);",
                           tokens["access_token"], tokens["refresh_token"])
    return ui


def revisit(browser, ui: str) -> None:
    """Load the page again with the same tokens, set after the load (so the shell itself stays signed out)."""
    tokens = browser.execute_script("const t = [sessionStorage.getItem('senko.access'), sessionStorage.getItem('senko.refresh')];"
                                    "sessionStorage.clear(); return t;")
    browser.get(f"{ui}/")
    browser.execute_script("sessionStorage.setItem('senko.access', arguments[0]);"
                           "sessionStorage.setItem('senko.refresh', arguments[1]);", *tokens)


def mount(browser, module: str, function: str, host: str, **ctx) -> None:
    error = browser.execute_async_script(MOUNT, module, function, host, ctx)
    assert error is None, error


def no_csp_violations(browser) -> None:
    assert browser.execute_script("return window.__cspViolations") == []


def test_histogram_shows_the_threshold_and_a_bar_click_filters(browser, live, stack, users, make_applicant):
    """Bars per score range stacked by OK/NG/未判定, the threshold in words; clicking a bar (or Enter) asks for that range."""
    users.create("r@example.com", users.RECRUITER_PASSWORD, "recruiter")
    for score, decision in [(0.72, "OK"), (0.71, None), (0.73, "NG"), (0.30, "NG"), (0.31, None)]:
        make_applicant(status="scored", score=score, decision=decision)
    make_applicant(status="unscored")
    open_ui(browser, stack, live, "r@example.com", users.RECRUITER_PASSWORD)
    mount(browser, "charts.js", "mountHistogram", "histogram")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.execute_script("return !!window.__widgets.histogram.chart"))
    summary = browser.find_element(By.CSS_SELECTOR, "#histogram .sk-chart-summary").text
    assert "採点済み 5 名" in summary and "未採点 1 名" in summary and "閾値 65%" in summary
    stacks = browser.execute_script(
        "const c = window.__widgets.histogram.chart; return c.data.datasets.map((d) => [d.label, d.data[14].y, d.data[6].y]);")
    assert stacks == [["OK", 1, 0], ["NG", 1, 1], ["未判定", 1, 1]]

    # A real mouse click on the 70–75% bar.
    canvas = browser.find_element(By.CSS_SELECTOR, "#histogram canvas")
    x, y, width, height = browser.execute_script(
        "const c = window.__widgets.histogram.chart; const bar = c.getDatasetMeta(2).data[14];"
        "return [bar.x, bar.y + 2, c.width, c.height];")
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - width / 2), int(y - height / 2)).click().perform()
    wait.until(lambda d: d.execute_script("return window.__calls.filters.length") == 1)
    assert browser.execute_script("return window.__calls.filters") == [{"score_min": 0.7, "score_max": 0.75}]

    # By keyboard: focus the chart, arrow to the first bar, Enter.
    canvas.send_keys("\ue014")  # ArrowRight: the first bar
    canvas.send_keys("\ue007")  # Enter
    assert browser.execute_script("return window.__calls.filters[1]") == {"score_min": 0.0, "score_max": 0.05}
    browser.find_element(By.XPATH, "//section[contains(@class, 'sk-histogram')]//button[text()='すべてのスコア']").click()
    assert browser.execute_script("return window.__calls.filters[2]") == {"score_min": None, "score_max": None}
    canvas.screenshot(str(stack.log / "ui-histogram.png"))
    no_csp_violations(browser)


def test_model_charts_for_admins_only(browser, live, stack, users, make_model):
    """An admin sees ROC, calibration, the confusion matrix at the threshold and precision/recall per threshold."""
    version = make_model()
    users.create("a@example.com", users.ADMIN_PASSWORD, "admin")
    open_ui(browser, stack, live, "a@example.com", users.ADMIN_PASSWORD)
    mount(browser, "charts.js", "mountModelCharts", "models-recruiter", role="recruiter")
    assert browser.find_element(By.ID, "models-recruiter").get_attribute("innerHTML") == ""
    mount(browser, "charts.js", "mountModelCharts", "models", role="admin")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#models canvas")) == 3)
    assert browser.find_element(By.ID, "sk-model-version").get_attribute("value") == version
    assert f"{version} (" in browser.find_element(By.CSS_SELECTOR, "#models .sk-model-summary").text
    labels = [c.get_attribute("aria-label") for c in browser.find_elements(By.CSS_SELECTOR, "#models canvas")]
    assert labels == ["ROC 曲線", "較正曲線 (予測した OK 度数と実際の OK の割合)", "閾値ごとの適合率と再現率"]
    metrics = requests.get(f"{live}/models/{version}", timeout=30, headers={
        "Authorization": "Bearer " + browser.execute_script("return sessionStorage.getItem('senko.access')")}).json()["model"]["metrics"]
    table = browser.find_element(By.CSS_SELECTOR, "#models table.sk-confusion")
    assert "混同行列 (閾値 65%)" in table.text
    cells = [int(td.text.removesuffix(" 名")) for td in table.find_elements(By.CSS_SELECTOR, "td.sk-hit, td.sk-miss")]
    matrix = metrics["confusion_matrix"]
    assert cells == [matrix["tp"], matrix["fn"], matrix["fp"], matrix["tn"]] and sum(cells) == metrics["holdout_size"]
    drawn = browser.execute_script("return Object.values(Chart.instances).map((c) => c.data.datasets.map((d) => d.data.length))")
    assert sorted(drawn) == sorted([[len(metrics["roc_curve"]), 2], [len(metrics["calibration"]), 2],
                                    [sum(p["precision"] is not None for p in metrics["threshold_curve"]), 21]])
    browser.find_element(By.ID, "models").screenshot(str(stack.log / "ui-model-charts.png"))
    no_csp_violations(browser)


def record_events(app, *events) -> list[int]:
    """Events straight in the database (kind, message, applicant_id); their ids."""
    from senko.extensions import db
    from senko.models.event import record_event

    with app.app_context():
        made = [record_event(kind, message, applicant_id) for kind, message, applicant_id in events]
        db.session.commit()
        return [event.id for event in made]


def test_bell_shows_events_since_the_last_visit_and_popups_open_the_applicant(browser, live, stack, users, app,
                                                                             make_applicant):
    """The bell counts what came after the stored last visit; opening it marks all read; a popup click opens the applicant."""
    users.create("r@example.com", users.RECRUITER_PASSWORD, "recruiter")
    first = make_applicant(name="既読 一郎")
    second = make_applicant(name="新着 花子")
    old, *_ = record_events(app, ("scored", "既読 一郎さんの書類選考スコア: 40%", first))
    record_events(app, ("scored", "新着 花子さんの書類選考スコア: 80%", second), ("source_failed", "doda の取り込みに失敗しました", None))
    ui = open_ui(browser, stack, live, "r@example.com", users.RECRUITER_PASSWORD)
    api_base = browser.execute_async_script("import('/js/api.js').then((m) => arguments[0](m.apiBase()))")
    browser.execute_script("localStorage.setItem(arguments[0], arguments[1])", f"senko.events.seen:{api_base}:", str(old))
    mount(browser, "bell.js", "mountBell", "bell")
    wait = WebDriverWait(browser, 30)
    badge = browser.find_element(By.CSS_SELECTOR, "#bell .sk-bell-count")
    wait.until(lambda d: badge.is_displayed() and badge.text == "2")
    button = browser.find_element(By.CSS_SELECTOR, "#bell .sk-bell-button")
    assert button.get_attribute("aria-label") == "お知らせ (新着 2 件)"

    button.click()
    items = browser.find_elements(By.CSS_SELECTOR, "#bell .sk-bell-item")
    assert [("sk-unread" in i.get_attribute("class"), i.find_element(By.CSS_SELECTOR, ".sk-bell-text").text) for i in items] == [
        (True, "媒体の取り込み失敗: doda の取り込みに失敗しました"),
        (True, "採点: 新着 花子さんの書類選考スコア: 80%"),
        (False, "採点: 既読 一郎さんの書類選考スコア: 40%"),
    ]
    assert all("年" in i.find_element(By.TAG_NAME, "time").text for i in items)  # JST dates
    browser.find_element(By.XPATH, "//button[contains(text(), '新着 花子さん')]").click()
    assert browser.execute_script("return window.__calls.opened") == [second]
    assert not browser.find_element(By.CSS_SELECTOR, "#bell .sk-bell-panel").is_displayed()
    assert not badge.is_displayed()

    # The next visit: nothing new until something happens; then a popup, clickable and closable.
    revisit(browser, ui)
    mount(browser, "bell.js", "mountBell", "bell")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bell .sk-bell-item")) == 3)
    assert not browser.find_element(By.CSS_SELECTOR, "#bell .sk-bell-count").is_displayed()
    record_events(app, ("failed", "既読 一郎さんの書類を読み取れませんでした (encrypted)", first),
                  ("model_activated", "モデル v2 を有効にしました", None))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#toasts .toast")) == 2)
    assert browser.find_element(By.CSS_SELECTOR, "#bell .sk-bell-count").text == "2"
    failed = browser.find_element(By.CSS_SELECTOR, "#toasts .toast.failed")
    assert failed.get_attribute("role") == "alert"
    failed.find_element(By.CSS_SELECTOR, ".toast-text").click()
    assert browser.execute_script("return window.__calls.opened") == [first]
    info = browser.find_element(By.CSS_SELECTOR, "#toasts .toast")
    assert info.find_element(By.CSS_SELECTOR, ".toast-text").tag_name == "span"  # not about an applicant: not clickable
    info.find_element(By.CSS_SELECTOR, ".toast-close").click()
    assert browser.find_elements(By.CSS_SELECTOR, "#toasts .toast") == []
    no_csp_violations(browser)


def test_upload_panel_progress_per_file_drop_and_collapse(browser, live, stack, users, tmp_path):
    """Picked and dropped PDFs each get a progress bar that ends accepted; a non-PDF is refused unsent; the panel folds."""
    from senko.demo import resumes

    users.create("r@example.com", users.RECRUITER_PASSWORD, "recruiter")
    ui = open_ui(browser, stack, live, "r@example.com", users.RECRUITER_PASSWORD)
    browser.execute_script("window.__uploaded = [];"
                           "window.addEventListener('senko:uploaded', (e) => window.__uploaded.push(...e.detail.applicants));")
    mount(browser, "upload.js", "mountUpload", "upload")
    paths = []
    for number in (1, 2):
        path = tmp_path / f"応募者{number}.pdf"
        path.write_bytes(resumes.resume_pdf(resumes.make_profile(number)))
        paths.append(str(path))
    note = tmp_path / "メモ.txt"
    note.write_text("not a résumé")
    browser.find_element(By.CSS_SELECTOR, "#upload .sk-drop input[type=file]").send_keys("\n".join([*paths, str(note)]))
    wait = WebDriverWait(browser, 60)
    rows = lambda: browser.find_elements(By.CSS_SELECTOR, "#upload .sk-upload-file")  # noqa: E731
    wait.until(lambda d: len(rows()) == 3 and sum("sk-done" in r.get_attribute("class") for r in rows()) == 2)
    by_name = {r.find_element(By.CSS_SELECTOR, ".sk-upload-name").text: r for r in rows()}
    for name in ("応募者1.pdf", "応募者2.pdf"):
        assert by_name[name].find_element(By.TAG_NAME, "progress").get_attribute("value") == "100"
        assert by_name[name].find_element(By.CSS_SELECTOR, ".sk-upload-state").text == "受け付けました (読み取り中)"
    assert "PDF ではありません" in by_name["メモ.txt"].text
    assert by_name["メモ.txt"].find_element(By.TAG_NAME, "progress").get_attribute("value") == "0"

    # Dropped: a DataTransfer with a PDF made in the page, the same path.
    pdf = base64.b64encode(resumes.resume_pdf(resumes.make_profile(3))).decode()
    browser.execute_script("""
      const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "ドロップ.pdf", { type: "application/pdf" }));
      const drop = new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
      document.querySelector("#upload .sk-drop").dispatchEvent(drop);
    """, pdf)
    wait.until(lambda d: len(rows()) == 4 and "sk-done" in rows()[0].get_attribute("class"))
    assert rows()[0].find_element(By.CSS_SELECTOR, ".sk-upload-name").text == "ドロップ.pdf"
    uploaded = browser.execute_script("return window.__uploaded")
    assert sorted(a["filename"] for a in uploaded) == ["ドロップ.pdf", "応募者1.pdf", "応募者2.pdf"]
    headers = {"Authorization": "Bearer " + browser.execute_script("return sessionStorage.getItem('senko.access')")}
    assert requests.get(f"{live}/applicant/10/1", headers=headers, timeout=30).json()["total"] == 3
    browser.find_element(By.ID, "upload").screenshot(str(stack.log / "ui-upload.png"))

    # Folded, and still folded on the next visit.
    toggle = browser.find_element(By.CSS_SELECTOR, "#upload .sk-upload-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not browser.find_element(By.CSS_SELECTOR, "#upload .sk-upload-body").is_displayed()
    revisit(browser, ui)
    mount(browser, "upload.js", "mountUpload", "upload")
    assert browser.find_element(By.CSS_SELECTOR, "#upload .sk-upload-toggle").get_attribute("aria-expanded") == "false"
    no_csp_violations(browser)


def test_in_the_shell_a_histogram_bar_filters_the_list(browser, live, stack, users, make_applicant):
    """Logged in through the page: the shell mounts the histogram above the list; a bar's click filters the list (URL too)."""
    users.create("r@example.com", users.RECRUITER_PASSWORD, "recruiter")
    for name, score in [("高橋 七十二", 0.72), ("高田 七十四", 0.74), ("低木 三十", 0.30), ("中野 五十", 0.51)]:
        make_applicant(name=name, status="scored", score=score)
    ui = f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COLLECT_VIOLATIONS})
    browser.get(f"{ui}/")
    wait = WebDriverWait(browser, 60)
    browser.find_element(By.ID, "login-email").send_keys("r@example.com")
    browser.find_element(By.ID, "login-password").send_keys(users.RECRUITER_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    names = lambda: browser.execute_script(  # noqa: E731  (read at once: the list is redrawn as it reloads)
        "return [...document.querySelectorAll('#applicants tbody tr')].map((r) => r.cells[0].innerText.split('\\n')[0]).sort()")
    wait.until(lambda d: len(names()) == 4)
    wait.until(lambda d: d.execute_script("const n = document.querySelector('#histogram-slot canvas');"
                                          "const c = n && window.Chart && Chart.getChart(n);"
                                          "return !!c && c.data.datasets[2].data[14].y === 2;"))
    canvas = browser.find_element(By.CSS_SELECTOR, "#histogram-slot canvas")
    x, y, width, height = browser.execute_script(
        "const c = Chart.getChart(arguments[0]); const bar = c.getDatasetMeta(2).data[14];"
        "return [bar.x, bar.y + 2, c.width, c.height];", canvas)
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - width / 2), int(y - height / 2)).click().perform()
    wait.until(lambda d: len(names()) == 2)
    assert all(name.startswith("高") for name in names())
    assert "score_min=0.7" in browser.current_url and "score_max=0.75" in browser.current_url
    # The chosen range stays highlighted (the other bars pale), also after a reload from the URL.
    pale = "const c = Chart.getChart(document.querySelector('#histogram-slot canvas'));" \
           "return c.data.datasets.map((d) => [d.backgroundColor[6].length, d.backgroundColor[14].length]);"
    assert browser.execute_script(pale) == [[9, 7]] * 3
    browser.refresh()
    wait.until(lambda d: d.execute_script("const n = document.querySelector('#histogram-slot canvas');"
                                          "const c = n && window.Chart && Chart.getChart(n);"
                                          "return !!c && Array.isArray(c.data.datasets[0].backgroundColor);"))
    wait.until(lambda d: d.execute_script(pale) == [[9, 7]] * 3)
    assert len(names()) == 2
    browser.find_element(By.ID, "histogram-slot").screenshot(str(stack.log / "ui-histogram-in-shell.png"))

    # The widgets in the page (histogram, upload panel, the bell open): no serious axe-core violation in them,
    # and nothing wider than a 390 px phone.
    browser.find_element(By.CSS_SELECTOR, "#bell-slot .sk-bell-button").click()
    browser.execute_script(AXE.read_text())
    serious = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run({ include: [["#histogram-slot"], ["#upload-slot"], ["#bell-slot"]] }, { resultTypes: ["violations"] })
          .then((r) => done(r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
                                        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)));""")
    assert serious == []
    browser.set_window_size(390, 900)
    wait.until(lambda d: d.execute_script("return innerWidth") <= 390)
    wide = browser.execute_script("""return [...document.querySelectorAll("#histogram-slot *, #upload-slot *, #bell-slot *")]
        .filter((n) => n.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((n) => n.className || n.tagName);""")
    assert wide == []
    no_csp_violations(browser)


def test_track_job_shows_a_long_job_until_it_is_done(browser, live, stack, users, app):
    """trackJob(id) follows GET /jobs/<id>: its bar and 「n / total 件」 move with the job, and end on 完了."""
    from senko.extensions import db
    from senko.models.bulk_job import BulkJob

    with app.app_context():
        job = BulkJob(kind="rescore", status="running", chunk_size=5, chunks=2, total=10, done=3, failed=1)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    users.create("a@example.com", users.ADMIN_PASSWORD, "admin")
    open_ui(browser, stack, live, "a@example.com", users.ADMIN_PASSWORD)
    mount(browser, "upload.js", "mountUpload", "upload", role="admin")
    browser.execute_script("window.__job = null; import('/js/upload.js').then((m) => m.trackJob(arguments[0], "
                           "{ label: '再採点', interval: 300 })).then((job) => { window.__job = job; });", job_id)
    wait = WebDriverWait(browser, 30)
    state = lambda: browser.find_element(By.CSS_SELECTOR, "#upload .sk-job .sk-job-state").text  # noqa: E731
    wait.until(lambda d: state() == "4 / 10 件 (失敗 1 件)")
    bar = browser.find_element(By.CSS_SELECTOR, "#upload .sk-job progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("4", "10")
    with app.app_context():
        db.session.get(BulkJob, job_id).done, db.session.get(BulkJob, job_id).status = 9, "done"
        db.session.commit()
    wait.until(lambda d: state() == "完了: 10 / 10 件 (失敗 1 件)")
    assert browser.execute_script("return window.__job.status") == "done"
    assert bar.get_attribute("value") == "10"

    # With the bell mounted, a job's first "bulk_progress" event starts a bar for it by itself (admins).
    from senko.models.event import record_event

    record_events(app, ("model_activated", "モデル v1 を有効にしました", None))
    mount(browser, "bell.js", "mountBell", "bell", role="admin")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bell .sk-bell-item")) == 1)  # the first poll is done
    with app.app_context():
        second = BulkJob(kind="retokenize", status="running", chunk_size=5, chunks=4, total=20, done=5, failed=0)
        db.session.add(second)
        db.session.flush()
        record_event("bulk_progress", "名詞の再抽出 5 / 20", job_id=second.id, job_kind="retokenize", done=5, failed=0, total=20)
        db.session.commit()
    labels = lambda: [n.text for n in browser.find_elements(By.CSS_SELECTOR, "#upload .sk-job .sk-job-label")]  # noqa: E731
    wait.until(lambda d: labels() == ["再採点", "名詞の再抽出"])
    wait.until(lambda d: browser.find_elements(By.CSS_SELECTOR, "#upload .sk-job .sk-job-state")[1].text == "5 / 20 件")
    assert browser.find_elements(By.CSS_SELECTOR, "#toasts .toast") == []  # progress is not a popup
    no_csp_violations(browser)
