"""Documents that are not Japanese résumés are flagged ``not_resume`` by the worker and never scored."""
import pytest

from senko.demo import resumes

pytestmark = pytest.mark.usefixtures("worker")

INVOICE = ["Factuur", "Factuurnummer: 2026-114", "Datum: 12 november 2026", "Omschrijving  Aantal  Prijs",
           "Consultancy werkzaamheden  12  € 95,00", "Totaal excl. BTW € 1.140,00", "BTW 21% € 239,40",
           "Betaling binnen 30 dagen op rekening NL91 ABNA 0417 1643 00"]
PROSE = ["The history of the bicycle", "The first bicycles were built in Germany in 1817. They had no pedals:",
         "riders pushed themselves along with their feet. Pedals came in the 1860s in France, and the",
         "safety bicycle with a chain drive made cycling popular across Europe and America."]
MINUTES = ["議事録", "本日の会議では来期の販売計画について話し合いました。", "売上は前年比で増加しました。",
           "次回は来月の第一月曜日に開催します。"]


@pytest.mark.parametrize("lines, reason", [(INVOICE, "Little Japanese text"), (PROSE, "Little Japanese text"),
                                           (MINUTES, "No résumé fields")])
def test_not_a_resume_fails_with_a_reason_and_no_nouns(client, recruiter, upload, wait_done, lines, reason):
    """A Dutch invoice, English prose, Japanese minutes: failed/not_resume with the reason, no nouns, no score."""
    h = recruiter["headers"]
    applicant_id = upload(client, h, resumes.render_pdf(lines), name="佐藤 花子").get_json()["id"]
    applicant = wait_done(client, h, applicant_id)
    assert (applicant["status"], applicant["failure_reason"]) == ("failed", "not_resume"), applicant
    assert applicant["failure_detail"].startswith(reason) and applicant["score"] is None
    assert client.get(f"/applicant/{applicant_id}/nouns", headers=h).get_json()["nouns"] == []
    events = client.get("/events?after=0", headers=h).get_json()["events"]
    assert any(e["kind"] == "failed" and e["applicant_id"] == applicant_id for e in events)


def test_a_short_japanese_resume_is_not_refused(client, recruiter, upload, wait_done):
    """A few labelled lines (氏名, 職歴) are enough: processed, with its nouns."""
    pdf = resumes.render_pdf(["氏名 佐藤 花子", "職歴 営業として五年勤務", "Python 設計 経験"])
    applicant = wait_done(client, recruiter["headers"], upload(client, recruiter["headers"], pdf).get_json()["id"])
    assert applicant["status"] == "unscored" and applicant["failure_reason"] is None
