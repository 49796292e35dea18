"""EXPLAIN of every filter/sort combination GET /applicants offers, against a seeded bench stack.

Builds each page query with ``senko.listing`` itself (the SQL the route runs): page 1, and a page
after a cursor (``next1``; ``next2`` is the query for the applicants without the sort key that may
follow). Runs MariaDB's EXPLAIN on each and prints the plan: which index, the access type, the rows
MariaDB expects to read and whether it needs a filesort. Seed first (``bench/list_scale.py --keep``
leaves its stack running), then:

    .venv/bin/python bench/explain.py --var /tmp/senko-bench-XXXX > bench/explain.txt
"""
import argparse

import common

FILTERS = {
    "(none)": {},
    "status=scored": {"status": "scored"},
    "decision=OK": {"decision": "OK"},
    "source=リクナビ": {"source": "リクナビ"},
    "applied_from..applied_to": {"applied_from": "2026-03-01", "applied_to": "2026-03-31"},
    "score_min=0.8": {"score_min": "0.8"},
    "above_threshold=true": {"above_threshold": "true"},
    "name=やま": {"name": "やま"},
    "q=Python (common)": {"q": "Python"},
    "q=潜水士 (rare)": {"q": "潜水士"},
    "q=Python 語彙1 (AND)": {"q": "Python 語彙1"},
    "status=scored&q=Python": {"status": "scored", "q": "Python"},
}
SORTS = ("-score", "score", "-applied_at", "furigana", "-updated_at")


def explain(flask_app, params: dict, sort: str, with_cursor: bool) -> list[dict]:
    """EXPLAIN rows of the page query for ``params`` and ``sort`` (after the first page's cursor when asked)."""
    from sqlalchemy import text

    from senko import listing
    from senko.extensions import db

    with flask_app.app_context():
        query = listing.parse({**params, "sort": sort}, 100, 0.65)
        if with_cursor:
            rows = db.session.execute(listing.statement(query, listing.Phase([]), query.limit + 1)).all()
            if len(rows) <= query.limit:
                return []
            query.after = listing.decode_cursor(listing.encode_cursor(sort, rows[query.limit - 1]), sort)
        plans = []
        for number, phase in enumerate(listing.phases(query), 1):  # a page after a cursor may take two queries
            sql = listing.statement(query, phase, query.limit + 1).compile(db.engine, compile_kwargs={"literal_binds": True})
            plans += [{**dict(row._mapping), "phase": number} for row in db.session.execute(text(f"EXPLAIN {sql}"))]
        return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, help="the seeded bench stack's folder")
    args = parser.parse_args()
    common.stack(args.var)
    flask_app = common.app()
    with flask_app.app_context():
        from sqlalchemy import func, select

        from senko.extensions import db
        from senko.models import Applicant

        total = db.session.scalar(select(func.count()).select_from(Applicant))
    print(f"EXPLAIN of GET /applicants (limit 20) with {total:,} applicants. Per query: the `applicants` row whose key is\n"
          "the filter/sort index finds the page's ids in index order (LIMIT 21: `rows` is MariaDB's range estimate, it\n"
          "stops after 21); <derived2> (those 21 ids, sorted) and `applicants` by PRIMARY fetch the rows; users_1 is\n"
          "the decider's e-mail. `applicant_nouns` by PRIMARY: a common keyword checked per row; by\n"
          "ix_applicant_nouns_noun: a rare keyword looked up first.\n")
    print(f"{'filter':28} {'sort':12} {'page':5} {'table':16} {'type':12} {'key':36} {'rows':>9}  Extra")
    for label, params in FILTERS.items():
        for sort in SORTS:
            for with_cursor in (False, True):
                for row in explain(flask_app, params, sort, with_cursor):
                    page = f"next{row['phase']}" if with_cursor else "1"
                    print(f"{label:28} {sort:12} {page:5} {str(row.get('table')):16} "
                          f"{str(row.get('type')):12} {str(row.get('key')):36} {str(row.get('rows')):>9}  {row.get('Extra') or ''}")


if __name__ == "__main__":
    main()
