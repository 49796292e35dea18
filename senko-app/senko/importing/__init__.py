"""Spreadsheet imports (神エクセル, issue 11): the service around the reader ``senko.imports``.

``jobs`` takes an upload (checked and stored by its sha256), reads it in the worker into a preview
with proposed mappings (saved mappings applied), and takes a person's confirmation; ``commit``
turns every valid row into an applicant through the applicant service, one transaction per sheet,
skipping duplicates, and writes the report; ``report`` renders it (JSON, CSV). Tasks call
``parse_import`` and ``commit_import`` by name (``senko.queue``).
"""
