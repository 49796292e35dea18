"""Deterministic demo data: realistic Japanese résumé PDFs (and hostile ones) for tests, benchmarks and demos."""
