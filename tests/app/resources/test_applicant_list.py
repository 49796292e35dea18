"""GET /applicants: every filter, each sort both ways, keyset cursors under inserts, kana folding,
keyword search (AND), bad parameters; and what each authenticated request costs: the user state
from Redis (invalidated at once on change), no rate limit on reads, read audits batched."""
from datetime import date

import pytest


def listing(client, headers, **params) -> dict:
    response = client.get("/applicants", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def all_ids(client, headers, **params) -> list[int]:
    """Every id of the list, following cursors to the end."""
    ids, cursor = [], None
    while True:
        body = listing(client, headers, **params, **({"cursor": cursor} if cursor else {}))
        ids += [a["id"] for a in body["applicants"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


def add_nouns(app, applicant_id: int, *nouns: str) -> None:
    from senko.extensions import db
    from senko.models import ApplicantNoun

    with app.app_context():
        db.session.add_all(ApplicantNoun(applicant_id=applicant_id, noun=n, count=1) for n in nouns)
        db.session.commit()


def seed(make_applicant) -> dict[str, int]:
    """Applicants across statuses, decisions, sources, dates and scores (with ties and gaps)."""
    rows = {
        "a": dict(name="山田 太郎", furigana="やまだ たろう", status="scored", score=0.9, decision="OK",
                  source="マイナビ", applied_at=date(2026, 4, 1)),
        "b": dict(name="山本 花子", furigana="ヤマモト ハナコ", status="scored", score=0.5, decision="NG",
                  source="リクナビ", applied_at=date(2026, 4, 10)),
        "c": dict(name="佐藤 一郎", furigana="さとう いちろう", status="scored", score=0.5, source="マイナビ",
                  applied_at=date(2026, 5, 1)),
        "d": dict(name="鈴木 次郎", furigana="ｽｽﾞｷ ｼﾞﾛｳ", status="unscored", source="自社サイト",
                  applied_at=date(2026, 3, 15)),
        "e": dict(name="Alice Smith", status="failed", decision="OK"),
        "f": dict(name="高橋 三郎", furigana="たかはし さぶろう", status="scored", score=0.7,
                  source="リクナビ", applied_at=date(2026, 4, 1)),
    }
    return {key: make_applicant(**fields) for key, fields in rows.items()}


def test_every_filter(app, client, recruiter, make_applicant):
    """status, decision (OK/NG/none), source, applied range, score range, above_threshold each narrow the list."""
    ids = seed(make_applicant)
    h = recruiter["headers"]

    def found(**params) -> set[str]:
        got = set(all_ids(client, h, limit=2, **params))
        return {key for key, value in ids.items() if value in got}

    assert found() == set(ids)
    assert found(status="scored") == {"a", "b", "c", "f"}
    assert found(status="failed") == {"e"}
    assert found(decision="OK") == {"a", "e"}
    assert found(decision="NG") == {"b"}
    assert found(decision="none") == {"c", "d", "f"}
    assert found(source="マイナビ") == {"a", "c"}
    assert found(applied_from="2026-04-01", applied_to="2026-04-10") == {"a", "b", "f"}
    assert found(applied_from="2026-04-02") == {"b", "c"}
    assert found(applied_to="2026-03-31") == {"d"}
    assert found(score_min="0.5", score_max="0.7") == {"b", "c", "f"}
    assert found(score_min="0.8") == {"a"}
    assert found(above_threshold="true") == {"a", "f"}  # threshold 0.65
    assert found(above_threshold="false") == set(ids)
    assert found(status="scored", source="リクナビ", score_min="0.6") == {"f"}
    assert found(status="", decision="", source="") == set(ids)  # empty values filter nothing
    body = listing(client, h, status="scored", limit=2)
    assert body["total"] == 4 and body["total_is_estimate"] is False and len(body["applicants"]) == 2
    item = body["applicants"][0]
    assert {"id", "name", "furigana", "status", "score", "triage", "decision", "applied_at", "updated_at"} <= item.keys()
    assert "explanation" not in item  # the list shape of GET /applicant/<limit>/<page>


def test_each_sort_both_ways_is_stable(app, client, recruiter, make_applicant):
    """score, applied_at, furigana, updated_at ascending and descending; ties by id; missing keys placed like MariaDB."""
    from senko.extensions import db
    from senko.models import Applicant

    seed(make_applicant)
    with app.app_context():
        rows = db.session.query(Applicant).all()
        keys = {a.id: {"score": a.score, "applied_at": a.applied_at, "furigana": a.furigana_key,
                       "updated_at": a.updated_at} for a in rows}
    for sort in ("score", "applied_at", "furigana", "updated_at"):
        # NULL sorts first ascending (MariaDB), so last descending.
        ascending = sorted(keys, key=lambda i: (keys[i][sort] is not None, keys[i][sort] or 0, i))
        assert all_ids(client, recruiter["headers"], sort=sort, limit=2) == ascending, sort
        assert all_ids(client, recruiter["headers"], sort=f"-{sort}", limit=2) == ascending[::-1], sort
    by_score = all_ids(client, recruiter["headers"], sort="-score", limit=3)
    tied = [i for i in by_score if keys[i]["score"] == 0.5]
    assert tied == sorted(tied, reverse=True) and len(tied) == 2


@pytest.mark.parametrize("sort", ["-score", "score", "-applied_at", "furigana"])
def test_a_page_among_missing_keys_walks_the_index(app, client, recruiter, make_applicant, sort):
    """Past the last score (or date, ふりがな) the pages walk the index by id: no row is sorted, none skipped."""
    from sqlalchemy import text

    from senko import listing as applicant_list
    from senko.extensions import db

    missing = [make_applicant(name=f"未 {i}") for i in range(12)]  # no score, no date, ふりがな from the name
    present = [make_applicant(name=f"有 {i}", furigana=f"あ{i:02d}", status="scored", score=0.5, applied_at=date(2026, 4, 1))
               for i in range(3)]
    ids = all_ids(client, recruiter["headers"], sort=sort, limit=4)
    assert sorted(ids) == sorted(missing + present) and len(ids) == len(set(ids))
    if sort != "furigana":  # every applicant has a ふりがな key
        nulls = sorted(missing, reverse=sort.startswith("-"))
        assert (ids[-12:] if sort.startswith("-") else ids[:12]) == nulls
    with app.app_context():
        query = applicant_list.parse({"sort": sort, "limit": "4"}, 100, 0.65)
        query.after = (None, missing[5])
        for phase in applicant_list.phases(query):
            sql = applicant_list.statement(query, phase, 5).compile(db.engine, compile_kwargs={"literal_binds": True})
            derived = [dict(row._mapping) for row in db.session.execute(text(f"EXPLAIN {sql}"))
                       if row._mapping["select_type"] == "DERIVED"]
            assert derived and "filesort" not in (derived[0]["Extra"] or ""), (phase, derived)


def test_cursors_skip_and_repeat_nothing_while_rows_arrive(app, client, recruiter, make_applicant):
    """Following every cursor while applicants are added between pages: each original row exactly once."""
    original = [make_applicant(name=f"応募 {i}", status="scored", score=round((i % 7) / 10, 1),
                               applied_at=date(2026, 1, 1 + i % 5)) for i in range(30)]
    for sort in ("-score", "applied_at", "-updated_at", "furigana"):
        seen, cursor, added = [], None, 0
        while True:
            body = listing(client, recruiter["headers"], sort=sort, limit=4, **({"cursor": cursor} if cursor else {}))
            seen += [a["id"] for a in body["applicants"]]
            make_applicant(name=f"途中 {sort} {added}", status="scored", score=0.3, applied_at=date(2026, 1, 3))
            added += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)), sort  # nothing repeated
        assert set(original) <= set(seen), sort  # nothing skipped


@pytest.mark.parametrize("common_at", [2000, 0], ids=["rare: index lookup", "common: walk the sort index"])
def test_name_prefix_is_kana_folded(client, recruiter, make_applicant, monkeypatch, common_at):
    """ひらがな, カタカナ and half-width ｶﾀｶﾅ find each other, on the name and on the ふりがな; ふりがな order sorts.
    Both plans (a rare prefix looked up, a common one tested row by row along the sort) answer alike."""
    monkeypatch.setattr("senko.listing.COMMON_AT", common_at)
    ids = seed(make_applicant)
    h = recruiter["headers"]

    def found(name: str) -> set[str]:
        got = set(all_ids(client, h, name=name))
        return {key for key, value in ids.items() if value in got}

    assert found("やま") == {"a", "b"}
    assert found("ヤマ") == {"a", "b"}
    assert found("ﾔﾏﾓﾄ") == {"b"}
    assert found("すずき じ") == {"d"}  # stored as half-width ｽｽﾞｷ ｼﾞﾛｳ; spaces ignored
    assert found("スズキジ") == {"d"}
    assert found("山田") == {"a"}  # the name itself
    assert found("alice") == {"e"}  # letter case folded too
    assert found("たろう") == set()  # a prefix, not a substring
    assert found("100%_") == set()  # LIKE wildcards are literal
    order = all_ids(client, h, sort="furigana")
    assert [key for i in order for key, value in ids.items() if value == i] == ["e", "c", "d", "f", "a", "b"]


@pytest.mark.parametrize("common_at", [2000, 0], ids=["rare: index lookup", "common: walk the sort index"])
def test_keyword_search_is_an_and_of_stored_nouns(app, client, recruiter, make_applicant, monkeypatch, common_at):
    """q matches stored nouns: several words must all be there; Latin words in any usual case; full-width space.
    Both plans (a rare noun looked up, a common one checked row by row along the sort) answer alike."""
    monkeypatch.setattr("senko.listing.COMMON_AT", common_at)
    ids = seed(make_applicant)
    add_nouns(app, ids["a"], "Python", "簿記")
    add_nouns(app, ids["b"], "Python", "看護師")
    add_nouns(app, ids["c"], "簿記")
    h = recruiter["headers"]

    def found(q: str, **params) -> set[str]:
        got = set(all_ids(client, h, q=q, **params))
        return {key for key, value in ids.items() if value in got}

    assert found("Python") == {"a", "b"}
    assert found("python") == {"a", "b"}
    assert found("Python 簿記") == {"a"}
    assert found("簿記　Python") == {"a"}  # full-width space
    assert found("看護師") == {"b"}
    assert found("簿") == set()  # whole nouns only
    assert found("Python", status="scored", score_min="0.6") == {"a"}
    assert listing(client, h, q="Python")["total"] == 2
    assert all_ids(client, h, q="Python", sort="-score", limit=1) == [ids["a"], ids["b"]]


def test_bad_parameters_are_refused_as_json(client, recruiter, make_applicant):
    """Bad values → 400, empty ranges → 422, with {message, code}; a cursor only works for its own sort."""
    for _ in range(3):
        make_applicant(status="scored", score=0.5)
    h = recruiter["headers"]
    bad = [{"status": "done"}, {"decision": "maybe"}, {"applied_from": "yesterday"}, {"score_min": "high"},
           {"score_max": "1.5"}, {"score_min": "nan"}, {"above_threshold": "yes"}, {"sort": "name"},
           {"sort": "--score"}, {"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"cursor": "garbage!"}, {"cursor": "QQ" * 501},
           {"q": "a b c d e f"}, {"name": "x" * 101}, {"source": "x" * 101}, {"page": "2"}]
    for params in bad:
        response = client.get("/applicants", headers=h, query_string=params)
        assert response.status_code == 400, params
        assert set(response.get_json()) == {"message", "code"} and response.get_json()["code"] == "bad_request"
    for params in ({"applied_from": "2026-05-01", "applied_to": "2026-04-01"}, {"score_min": "0.8", "score_max": "0.2"}):
        response = client.get("/applicants", headers=h, query_string=params)
        assert response.status_code == 422 and response.get_json()["code"] == "invalid", params
    cursor = listing(client, h, sort="-score", limit=1)["next_cursor"]
    assert cursor
    assert client.get("/applicants", headers=h, query_string={"sort": "score", "cursor": cursor}).status_code == 400
    assert client.get("/applicants", headers=h, query_string={"sort": "-score", "cursor": cursor}).status_code == 200
    assert client.get("/applicants").status_code == 401


def test_old_page_route_is_unchanged(client, recruiter, make_applicant):
    """GET /applicant/<limit>/<page> keeps its shape, filters and sorts."""
    ids = [make_applicant(name=f"旧 {i}", status="scored", score=i / 10) for i in range(5)]
    body = client.get("/applicant/2/1", headers=recruiter["headers"], query_string={"sort": "score"}).get_json()
    assert set(body) == {"applicants", "total", "page", "limit", "pages"}
    assert body["total"] == 5 and body["pages"] == 3 and [a["id"] for a in body["applicants"]] == ids[::-1][:2]
    assert client.get("/applicant/2/9", headers=recruiter["headers"]).get_json()["applicants"] == []


def test_list_rows_show_what_the_detail_view_shows(client, recruiter, make_applicant):
    """Both list routes read plain rows, not ORM objects: each item is the applicant's detail without ``explanation``."""
    from senko.demo.resumes import make_profile, resume_pdf

    h = recruiter["headers"]
    decided = make_applicant(name="行 一", furigana="ぎょう いち", status="scored", score=0.8, source="doda",
                             applied_at=date(2026, 4, 2), email="gyo@example.com", note="メモ")
    assert client.patch(f"/applicant/{decided}", headers=h, json={"decision": "OK"}).status_code == 200
    resumed = make_applicant(name="行 二", pdf=resume_pdf(make_profile(1)))
    for applicant_id in (decided, resumed):
        detail = client.get(f"/applicant/{applicant_id}", headers=h).get_json()["applicant"]
        del detail["explanation"]
        in_list = next(a for a in listing(client, h, sort="updated_at")["applicants"] if a["id"] == applicant_id)
        on_page = next(a for a in client.get("/applicant/50/1", headers=h).get_json()["applicants"] if a["id"] == applicant_id)
        assert in_list == detail == on_page
    assert detail["resume"]["filename"] == "r.pdf"
    first = listing(client, h, sort="updated_at")["applicants"]
    assert next(a for a in first if a["id"] == decided)["decided_by"] == "recruiter@example.com"


def test_user_state_is_cached_and_changes_apply_at_once(app, client, admin, recruiter, users, redis_admin):
    """A GET reads the user state from Redis, not MySQL; deactivation and role changes apply to the next request."""
    from sqlalchemy import event

    from senko.extensions import db

    h = recruiter["headers"]
    me = client.get("/user/me", headers=h).get_json()["user"]
    assert listing(client, h)["applicants"] == []
    assert redis_admin.get(f"senko:user-state:{me['id']}") == b"1:0:recruiter"
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        listing(client, h, status="scored")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements and not any("FROM users" in s and "applicants" not in s for s in statements), statements

    # A role change is seen by the very next request, with the same token.
    assert client.get("/audit", headers=h).status_code == 403
    assert client.patch(f"/user/{me['id']}", headers=admin["headers"], json={"role": "admin"}).status_code == 200
    assert client.get("/audit", headers=h).status_code == 200
    assert client.patch(f"/user/{me['id']}", headers=admin["headers"], json={"role": "recruiter"}).status_code == 200
    assert client.get("/audit", headers=h).status_code == 403
    # Deactivation: the next request is refused, without waiting for anything to expire.
    assert client.patch(f"/user/{me['id']}", headers=admin["headers"], json={"active": False}).status_code == 200
    response = client.get("/applicants", headers=h)
    assert response.status_code == 401
    # "Log out everywhere" and a password change end the caller's sessions the same way.
    users.create("other@example.com", "other-password-123")
    other = users.login("other@example.com", "other-password-123")
    oh = users.headers(other["access_token"])
    assert client.get("/applicants", headers=oh).status_code == 200
    assert client.post("/user/logout/all", headers=oh).status_code == 200
    assert client.get("/applicants", headers=oh).status_code == 401


def test_a_state_read_before_a_bulk_invalidation_is_not_cached(app, client, recruiter, redis_admin, monkeypatch):
    """A miss that read the row before a restore-like bulk update of users does not put that old state back."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from senko.auth import sessions
    from senko.extensions import db
    from senko.models import User

    user_id = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]["id"]
    with app.app_context():
        redis_admin.delete(sessions.state_key(user_id))
        real_get = db.session.get

        def read_then_restore(cls, ident):
            row = real_get(cls, ident)  # the row as it was
            with Session(db.engine) as other:  # meanwhile a restore bumps every user's token generation
                other.execute(update(User).values(token_generation=User.token_generation + 1))
                other.commit()
            return row

        monkeypatch.setattr(db.session, "get", read_then_restore)
        old = sessions.load(user_id)
        monkeypatch.undo()
        assert old.token_generation == 0  # this request saw the old row...
        assert redis_admin.get(sessions.state_key(user_id)) is None  # ...but did not cache it
        db.session.rollback()  # the next request: a new transaction
        assert sessions.load(user_id).token_generation == 1
        assert redis_admin.get(sessions.state_key(user_id)) == b"1:1:recruiter"
    assert client.get("/user/me", headers=recruiter["headers"]).status_code == 401  # the restore ended the session


def test_reads_are_not_rate_limited_but_login_and_writes_are(app, client, recruiter):
    """Many GETs from one address pass; failed logins and (with a tight limit) writes get 429."""
    h = recruiter["headers"]
    for _ in range(40):
        assert client.get("/applicants", headers=h).status_code == 200
    statuses = [client.post("/user/login", json={"email": "recruiter@example.com", "password": "wrong-password"}).status_code
                for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    old = app.config["SENKO_WRITE_RATE_LIMIT"]
    app.config["SENKO_WRITE_RATE_LIMIT"] = "3 per minute"
    client.skip_contract = True
    try:
        writes = [client.post("/applicant", headers=h, json={"name": f"書 {i}"}).status_code for i in range(4)]
        assert writes == [201, 201, 201, 429]
        assert all(client.get("/applicants", headers=h).status_code == 200 for _ in range(10))
    finally:
        app.config["SENKO_WRITE_RATE_LIMIT"] = old
        client.skip_contract = False


def test_read_audits_are_batched_and_still_shown(app, client, admin, recruiter, make_applicant):
    """Reads are queued in Redis (not one INSERT each) and GET /audit still shows every one of them."""
    from sqlalchemy import func, select

    from senko.extensions import db
    from senko.models import AuditEntry

    applicant_id = make_applicant()
    h = recruiter["headers"]
    for _ in range(5):
        assert client.get("/applicants", headers=h).status_code == 200
        assert client.get(f"/applicant/{applicant_id}", headers=h).status_code == 200
    with app.app_context():
        written = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("applicant.%")))
    assert written < 10  # the first read took the flush turn; the rest wait in the queue
    entries = client.get("/audit", headers=admin["headers"], query_string={"action": "applicant."}).get_json()["entries"]
    assert sorted(e["action"] for e in entries) == ["applicant.list"] * 5 + ["applicant.view"] * 5
    assert {e["actor"] for e in entries} == {"recruiter@example.com"} and all(e["address"] == "127.0.0.1" for e in entries)


def test_a_score_at_the_threshold_is_above_it_in_every_filter(client, recruiter, make_applicant):
    """0.65 is stored as 0.64999998 (FLOAT) and shown as 0.65: triage, above_threshold, score_min/max and the old
    route's triage filter all agree that it reaches the threshold of 0.65."""
    h = recruiter["headers"]
    at = make_applicant(name="閾値 ちょうど", status="scored", score=0.65)
    under = make_applicant(name="閾値 未満", status="scored", score=0.6499)
    shown = next(a for a in listing(client, h)["applicants"] if a["id"] == at)
    assert shown["score"] == 0.65 and shown["triage"] == "review"
    assert set(all_ids(client, h, above_threshold="true")) == {at}
    assert set(all_ids(client, h, score_min="0.65")) == {at}
    assert set(all_ids(client, h, score_max="0.65")) == {at, under}
    assert set(all_ids(client, h, score_min="0.65", score_max="0.65")) == {at}
    old = {a["id"] for a in client.get("/applicant/20/1", headers=h, query_string={"triage": "review"}).get_json()["applicants"]}
    below = {a["id"] for a in client.get("/applicant/20/1", headers=h, query_string={"triage": "below"}).get_json()["applicants"]}
    assert old == {at} and below == {under}
