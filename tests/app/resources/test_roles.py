"""Least privilege by role: an auditor reads the fairness figures and manages their own account, nothing else."""
import pytest


@pytest.fixture
def auditor(users):
    """An auditor's Authorization header."""
    users.create("auditor@example.com", "auditor-password-123", "auditor", "監査 役")
    return users.headers(users.login("auditor@example.com", "auditor-password-123")["access_token"])


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/applicant/20/1"),
    ("get", "/applicants"),
    ("get", "/applicant/{id}"),
    ("get", "/applicant/{id}/resume"),
    ("get", "/applicant/{id}/nouns"),
    ("get", "/applicant/{id}/decisions"),
    ("patch", "/applicant/{id}"),
    ("delete", "/applicant/{id}"),
    ("get", "/events"),
    ("get", "/nouns"),
    ("get", "/user/list"),
    ("get", "/imports"),
    ("get", "/models"),
    ("get", "/audit"),
])
def test_an_auditor_cannot_read_or_change_applicants(client, auditor, make_applicant, method, path):
    """Personal data and decisions are staff's: the auditor gets 403 with the roles named, and nothing changes."""
    applicant_id = make_applicant(name="応募 一郎")
    kwargs = {"json": {"decision": "OK"}} if method == "patch" else {}
    response = getattr(client, method)(path.format(id=applicant_id), headers=auditor, **kwargs)
    assert response.status_code == 403, (path, response.get_json())
    assert response.get_json()["code"] == "forbidden"
    assert "role" in response.get_json()["message"]


def test_an_auditor_manages_their_own_account_and_reads_the_report(client, auditor):
    """/user/me, the fairness report and logging out everywhere are the auditor's."""
    me = client.get("/user/me", headers=auditor)
    assert me.status_code == 200 and me.get_json()["user"]["role"] == "auditor"
    assert client.get("/fairness/report?attribute=gender", headers=auditor).status_code == 200
    assert client.post("/user/logout/all", headers=auditor).status_code == 200
    assert client.get("/user/me", headers=auditor).status_code == 401


def test_staff_keep_their_routes(client, recruiter, make_applicant):
    """The default role set is staff: a recruiter still reads and decides."""
    applicant_id = make_applicant(name="応募 二郎")
    assert client.get(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200
    assert client.get("/fairness/report?attribute=gender", headers=recruiter["headers"]).status_code == 403
