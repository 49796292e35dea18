"""Schemathesis hooks of the contract fuzz (``tests/system/test_contract_fuzz.py``), loaded by its CLI.

They run in the schemathesis process, which has the test stack's environment (``SENKO_*``):

- Senko's string formats (api-reference.yml's introduction) get generators: ``visible-text`` is text
  without the characters ``senko.resources.schemas.visible_text`` refuses (control, format such as bidi
  and zero-width, surrogate, private use, unassigned), ``allow-list-entry`` what the SSRF allow list takes.
  Tools that do not know a format take any string.
- File parts are PDFs as Senko tells one (content starting with ``%PDF-``); a model to import is a skops file.
- A form's text fields get text in negative cases too (a number or a list there arrives as text anyway).
- Every call carries a token pair minted for the fuzzing admin (``SENKO_FUZZ_USER_ID``) by senko itself,
  the pair a login returns: calls that end sessions (logout, logout everywhere, a new password) then end
  only their own, and ``/user/refresh`` and ``/user/logout/refresh`` get the refresh token they document.
"""
import os

import schemathesis
from hypothesis import strategies as st
from hypothesis.provisional import domains

HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")
REFRESH_TOKEN_PATHS = {"/user/refresh", "/user/logout/refresh"}
FORM = "multipart/form-data"

schemathesis.openapi.format("visible-text", st.text(st.characters(exclude_categories=HIDDEN_CATEGORIES)))
schemathesis.openapi.format("visible-multiline-text",
                            st.text(st.characters(exclude_categories=HIDDEN_CATEGORIES, include_characters="\n\r\t")))
PORTS = st.integers(1, 65535)
schemathesis.openapi.format("allow-list-entry", st.one_of(
    st.tuples(st.one_of(domains(), st.ip_addresses(v=4).map(str)), PORTS).map("{0[0]}:{0[1]}".format),
    st.tuples(st.ip_addresses(v=6), PORTS).map("[{0[0]}]:{0[1]}".format),
    st.tuples(st.ip_addresses(v=4), st.integers(0, 32)).map("{0[0]}/{0[1]}".format),
    st.tuples(st.ip_addresses(v=6), st.integers(0, 128)).map("{0[0]}/{0[1]}".format),
))
# Files are résumés (`encoding: contentType: application/pdf`), PDFs as Senko tells one: they start with %PDF-.
# As the `binary` format rather than a media type: schemathesis fills the other required parts of a form
# whose part has a registered media type with "" (name, here) and calls that valid.
schemathesis.openapi.format("binary", st.binary(max_size=2048).map(lambda tail: b"%PDF-1.7\n" + tail))


def skops_model() -> bytes:
    """A small fitted pipeline of Senko's own kind, as a skops file (what POST /models/import takes)."""
    from senko.training.estimators import logistic_regression
    from senko_predict.artifact import dumps

    documents = ["Python 設計 経験", "Python 設計 営業", "Python 経験 開発", "営業 事務 経験", "営業 事務 電話", "事務 電話 設計"]
    return dumps(logistic_regression().fit(documents, [1, 1, 1, 0, 0, 0]))


# The model part (`encoding: contentType: application/octet-stream`) of an import.
schemathesis.openapi.media_type("application/octet-stream", st.just(skops_model()))


@schemathesis.hook
def filter_case(context, case) -> bool:
    """No case that puts a number, a list or null in a text field of a form: it arrives as text all the same.

    So it is no negative test, yet schemathesis would count its acceptance as one (it cannot re-read a
    form that carries a file).
    """
    if case.media_type != FORM or not isinstance(case.body, dict):
        return True
    body = case.operation.get_body_for_media_type(FORM)
    texts = [name for name, schema in body.form_properties.items() if is_text(schema)]
    return all(isinstance(case.body[name], str) for name in texts if name in case.body)


def is_text(schema: dict) -> bool:
    """Whether a form field's schema asks for text (not a file)."""
    options = schema.get("anyOf") or [schema]
    return all(option.get("type") == "string" and option.get("format") != "binary" for option in options)


@schemathesis.auth(refresh_interval=None)
class FreshTokens:
    """A new session of the fuzzing admin for every call."""

    def __init__(self):
        from senko import create_app

        self.app = create_app()

    def get(self, case, context) -> dict:
        from senko.auth.tokens import issue_tokens
        from senko.extensions import db
        from senko.models import User

        with self.app.app_context():
            tokens = issue_tokens(db.session.get(User, int(os.environ["SENKO_FUZZ_USER_ID"])))
            db.session.remove()
        return tokens

    def set(self, case, data: dict, context) -> None:
        kind = "refresh_token" if case.operation.path in REFRESH_TOKEN_PATHS else "access_token"
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data[kind]}"}
