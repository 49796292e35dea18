"""``flask imports ...``: import an applicant list (神エクセル) from the command line, with its report."""
import json
from pathlib import Path

import click

from ..exceptions import Invalid, NotFound
from ..importing import commit, jobs
from ..importing.report import as_csv
from ..models import User
from .base import SenkoGroup

imports = SenkoGroup("imports", help="Spreadsheet imports (神エクセル): read, map and import an applicant list.")


def _user_id(email: str | None) -> int | None:
    if not email:
        return None
    user = User.by_email(email)
    if user is None:
        raise NotFound(f"no user {email}")
    return user.id


def _body(mapping: str, sheets: tuple[str, ...], colour_map: tuple[str, ...]) -> dict:
    """The commit body: ``auto`` takes the proposal (saved mappings applied), else a JSON file of the API's body."""
    if mapping == "auto":
        body = {}
    else:
        try:
            body = json.loads(Path(mapping).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise Invalid(f"--mapping: {exc}") from exc
    if sheets:
        by_name = {item["name"]: item for item in body.get("sheets") or []}
        body["sheets"] = [by_name.get(name, {"name": name}) for name in sheets]
    if colour_map:
        pairs = [item.split("=", 1) for item in colour_map]
        if any(len(pair) != 2 for pair in pairs):
            raise Invalid("--colour-map takes COLOUR=OK|NG|none, e.g. FFD9D9D9=NG")
        body.setdefault("options", {})["colour_map"] = {c.upper(): (None if d.lower() == "none" else d.upper()) for c, d in pairs}
    return body


@imports.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", default="auto", show_default=True,
              help="auto: the proposed (or saved) mapping; else a JSON file like POST /imports/<id>/commit's body.")
@click.option("--sheet", "sheets", multiple=True, help="A sheet to import (repeat; default: the visible sheets with a table).")
@click.option("--colour-map", multiple=True, help="Row colour → decision, e.g. FFD9D9D9=NG (only with the (行の色) column mapped).")
@click.option("--user", "email", help="Who imports (the decisions are recorded as theirs).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report CSV here.")
def run(file, mapping, sheets, colour_map, email, csv_path):
    """Read FILE, show the mapping, import it in this process with a progress bar, print the report."""
    user_id = _user_id(email)
    body = _body(mapping, sheets, colour_map)
    job = jobs.start_import(file.read_bytes(), file.name, user_id, enqueue=False)
    if jobs.parse_import(job.id) == "failed":
        raise click.ClickException(f"import {job.id} failed: {job.message}")
    for sheet in job.preview:
        state = "hidden" if sheet["hidden"] else ("selected" if sheet["selected"] else "not selected")
        click.echo(f"Sheet 「{sheet['name']}」 ({state}, {sheet.get('region', '')}):")
        for label, field in sheet["mapping"].items():
            click.echo(f"  {label} → {field or '-'}")
    jobs.request_commit(job.id, body, user_id, enqueue=False)
    bar = None

    def progress(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None and total:
            bar = click.progressbar(length=total, label="取り込み中", show_pos=True)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        status = commit.commit_import(job.id, progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    job = jobs.get(job.id)
    report = job.report or {}
    for problem in report.get("errors") or []:
        click.echo(f"{problem['sheet']}\t{problem['row']}\t{problem['column'] or '-'}\t{problem['value'] or ''}\t"
                   f"{problem['reason']}\t{problem['message']}")
    if csv_path:
        csv_path.write_text(as_csv(job), encoding="utf-8")
    click.echo(f"Import {job.id}: {job.message}")
    if status == "failed":
        raise click.exceptions.Exit(1)
