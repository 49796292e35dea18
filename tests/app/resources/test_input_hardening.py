"""Input that used to slip through: huge page numbers, invisible characters in names, decoder details in token errors."""
import pytest


def test_a_huge_page_number_is_a_400_not_a_500(client, recruiter):
    """A page whose OFFSET would overflow MySQL's integer is refused with a clear 400."""
    client.skip_contract = True  # the spec's maximum already makes the request itself invalid
    response = client.get("/applicant/20/99999999999999999999", headers=recruiter["headers"])
    assert response.status_code == 400 and "between 1 and 1000000" in response.get_json()["message"]
    assert client.get("/applicant/20/1000000", headers=recruiter["headers"]).status_code == 200


@pytest.mark.parametrize(("field", "value"), [
    ("name", "山田\u202e太郎"),        # right-to-left override
    ("name", "山田\u200b太郎"),        # zero-width space
    ("furigana", "やまだ\x00"),        # NUL
    ("source", "doda\u2066"),         # bidi isolate
    ("note", "ok\x07bell"),           # a control character in free text
])
def test_invisible_and_control_characters_are_refused_naming_the_field(client, recruiter, field, value):
    """422 naming the field for control, bidi and zero-width characters; line breaks in a note are fine."""
    body = {"name": "山田 太郎", field: value}
    response = client.post("/applicant", headers=recruiter["headers"], json=body)
    assert response.status_code == 422
    assert response.get_json()["message"].startswith(f"{field}:") and "U+" in response.get_json()["message"]


def test_line_breaks_in_a_note_and_patching_names_are_checked_too(client, recruiter):
    """A multi-line note is accepted; PATCH refuses an invisible character in the name like POST does."""
    created = client.post("/applicant", headers=recruiter["headers"], json={"name": "山田 太郎", "note": "一行目\n二行目"})
    assert created.status_code == 201
    applicant_id = created.get_json()["applicant"]["id"]
    patched = client.patch(f"/applicant/{applicant_id}", headers=recruiter["headers"], json={"name": "山田\u200d太郎"})
    assert patched.status_code == 422 and patched.get_json()["message"].startswith("name:")


def test_a_garbled_token_gets_a_generic_message(client):
    """The decoder's own words (byte values, library internals) never reach the client."""
    response = client.get("/user/me", headers={"Authorization": "Bearer \xb7\xb7.abc.def".encode("latin-1").decode("latin-1")})
    assert response.status_code == 401
    assert response.get_json() == {"message": "Invalid token", "code": "unauthorized"}
