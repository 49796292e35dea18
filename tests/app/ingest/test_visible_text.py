"""Only what a reader sees is read: hidden lines are left out and counted, the score cannot be stuffed, the flag shows."""
import io

import pytest
import requests

from senko.demo import hostile, resumes

STUFFING = resumes.STRONG * 2  # the nouns the demo model likes best, twice
REASON = {"invisible": "invisible", "white": "background", "tiny": "tiny", "off_page": "off_page"}


def pdf_page(draw) -> bytes:
    """A one-page PDF drawn by ``draw(canvas, width, height)`` (the Japanese font registered)."""
    buffer = io.BytesIO()
    pdf, (width, height) = resumes.make_canvas(buffer)
    draw(pdf, width, height)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def line(pdf, x, y, text, size=11, mode=0, fill=None):
    """One line of text at (x, y), in text render ``mode``, filled with the RGB colour ``fill``."""
    obj = pdf.beginText(x, y)
    obj.setFont(resumes.FONT, size)
    obj.setTextRenderMode(mode)
    if fill:
        obj.setFillColorRGB(*fill)
    obj.textLine(text)
    pdf.drawText(obj)


@pytest.mark.parametrize("how", hostile.HIDING)
def test_a_hidden_line_is_left_out_and_counted(how):
    """Invisible, white, 1 pt and off-page lines add nothing to the text; each character is counted under its reason."""
    from senko.ingest.extract import extract_text

    profile = resumes.make_profile(1014)
    clean = extract_text(resumes.resume_pdf(profile), 20)
    stuffed = extract_text(hostile.stuffed_resume_pdf(profile, STUFFING, (how,)), 20)
    assert stuffed.text == clean.text and "Kubernetes" not in stuffed.text
    assert clean.hidden == {} and clean.hidden_chars == 0
    assert stuffed.hidden == {REASON[how]: len("".join(STUFFING))}


def test_generated_resumes_have_no_hidden_text():
    """Horizontal and vertical résumés (and their tables of text) lose nothing: no false alarm."""
    from senko.ingest.extract import extract_text

    profiles = [resumes.make_profile(i) for i in range(12)]
    assert any(p.vertical for p in profiles) and any(not p.vertical for p in profiles)
    assert [extract_text(resumes.resume_pdf(p), 20).hidden for p in profiles] == [{}] * len(profiles)


def test_what_lies_under_the_text_decides_its_background():
    """White on a dark box is seen; black on a black box and near-white on the page are not; spot colours count as seen."""
    from senko.ingest.extract import extract_text

    def draw(pdf, width, height):
        line(pdf, 50, 780, "通常の本文です")
        pdf.setFillColorRGB(0.1, 0.2, 0.5)
        pdf.rect(40, 700, 300, 40, stroke=0, fill=1)
        line(pdf, 50, 715, "見出しの白文字", fill=(1, 1, 1))
        pdf.setFillColorRGB(0, 0, 0)
        pdf.rect(40, 600, 300, 40, stroke=0, fill=1)
        line(pdf, 50, 615, "黒地に黒文字", fill=(0, 0, 0))
        line(pdf, 50, 500, "ほぼ白い文字", fill=(0.97, 0.97, 0.97))
        line(pdf, 50, 450, "枠だけの文字", mode=1)

    extraction = extract_text(pdf_page(draw), 20)
    assert "通常の本文です" in extraction.text and "見出しの白文字" in extraction.text and "枠だけの文字" in extraction.text
    assert "黒地に黒文字" not in extraction.text and "ほぼ白い文字" not in extraction.text
    assert extraction.hidden == {"background": 12}


def test_the_ocr_layer_of_a_scanned_page_is_kept():
    """Invisible text over a full-page picture with next to no visible text (a scan with OCR) is read; over a photo it is not."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    from senko.ingest.extract import extract_text

    picture = ImageReader(Image.new("L", (200, 280), 230))

    def scanned(pdf, width, height):
        pdf.drawImage(picture, 0, 0, width, height)
        line(pdf, 50, 700, "職務経歴書 データ分析を担当", mode=3)
        line(pdf, 50, 680, "前職では品質管理と工程改善を担当しました", mode=3)
        line(pdf, 280, 20, "1/2")  # a page number the scanner stamped

    def photo(pdf, width, height):
        line(pdf, 50, 780, "履歴書 事務を担当")
        pdf.drawImage(picture, 400, 650, 100, 140)
        line(pdf, 410, 700, "機械学習", mode=3)

    ocr = extract_text(pdf_page(scanned), 20)
    assert "データ分析を担当" in ocr.text and ocr.hidden == {}
    stuffed = extract_text(pdf_page(photo), 20)
    assert "機械学習" not in stuffed.text and stuffed.hidden == {"invisible": 4}


def test_only_hidden_text_is_no_text_with_a_reason():
    """A PDF whose every character is hidden fails no_text and says so."""
    from senko.ingest.extract import ExtractionFailed, extract_text

    with pytest.raises(ExtractionFailed) as failed:
        extract_text(pdf_page(lambda pdf, w, h: line(pdf, 50, 700, "Python 機械学習", mode=3)), 20)
    assert failed.value.reason == "no_text" and "cannot be seen" in failed.value.detail


def test_stuffed_resume_scores_like_the_clean_one_and_is_flagged(app, client, admin, worker, predict_service, make_model,
                                                                 upload, wait_done, wait_for):
    """The pair that moved 0.1 → 0.99 scores equal (±0.005); the stuffed one is flagged with hidden_chars and an event."""
    version = make_model(activate=True)
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                         for _ in range(6)), "both predict workers on the model")
    h = admin["headers"]
    profile = resumes.make_profile(1014)  # an NG profile without any of the strong skills
    clean = upload(client, h, resumes.resume_pdf(profile), name=profile.name).get_json()["id"]
    stuffed = upload(client, h, hostile.stuffed_resume_pdf(profile, STUFFING), name=profile.name).get_json()["id"]
    clean_applicant, stuffed_applicant = wait_done(client, h, clean), wait_done(client, h, stuffed)
    assert clean_applicant["status"] == stuffed_applicant["status"] == "scored"
    assert abs(stuffed_applicant["score"] - clean_applicant["score"]) <= 0.005, (clean_applicant, stuffed_applicant)
    assert clean_applicant["hidden_chars"] == 0
    assert stuffed_applicant["hidden_chars"] == len(hostile.HIDING) * len("".join(STUFFING))

    events = client.get("/events?after=0", headers=h).get_json()["events"]
    flagged = [e for e in events if e["kind"] == "hidden_text"]
    assert [e["applicant_id"] for e in flagged] == [stuffed]
    assert set(flagged[0]["data"]["reasons"]) == {"invisible", "background", "tiny", "off_page"}
    assert profile.name in flagged[0]["message"]
    listed = {a["id"]: a for a in client.get("/applicant/20/1", headers=h).get_json()["applicants"]}
    assert listed[stuffed]["hidden_chars"] > 0 and listed[clean]["hidden_chars"] == 0

    # A clean résumé in its place clears the flag.
    response = client.post(f"/applicant/{stuffed}/resume", headers=h, content_type="multipart/form-data",
                           data={"resume": (io.BytesIO(resumes.resume_pdf(profile)), "clean.pdf")})
    assert response.status_code == 202
    assert wait_done(client, h, stuffed)["hidden_chars"] == 0


def test_a_new_resume_clears_the_flag():
    """attach_resume forgets hidden_chars with every other result of the previous résumé (null until read)."""
    from senko.models import Applicant

    applicant = Applicant(name="山田 太郎", hidden_chars=220)
    applicant.attach_resume("0" * 64, "new.pdf", 1000)
    assert applicant.hidden_chars is None
