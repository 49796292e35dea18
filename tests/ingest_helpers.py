"""Helpers shared by the ingest tests: uploading PDFs and waiting for the worker."""
import io
import time

DONE = ("scored", "unscored", "failed")


def upload(client, headers, pdf: bytes, filename: str = "履歴書.pdf", **fields):
    """POST /applicant as multipart with a résumé."""
    data = {"name": "山田 太郎", **fields, "resume": (io.BytesIO(pdf), filename)}
    return client.post("/applicant", headers=headers, data=data, content_type="multipart/form-data")


def wait_done(client, headers, applicant_id: int, timeout: float = 90.0) -> dict:
    """Poll until the applicant leaves queued/processing; returns the applicant."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        applicant = client.get(f"/applicant/{applicant_id}", headers=headers).get_json()["applicant"]
        if applicant["status"] in DONE:
            return applicant
        time.sleep(0.2)
    raise AssertionError(f"applicant {applicant_id} still {applicant['status']} after {timeout}s")
