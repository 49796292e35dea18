"""Résumé ingest: storage of the original PDF, text extraction, noun extraction."""
