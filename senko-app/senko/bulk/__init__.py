"""Bulk jobs over many applicants (rescore after an activation, retokenize after a dictionary change).

``jobs`` plans a job (its applicants frozen as items, cut into chunks) and hands each chunk to the
workers through ``senko.queue``; ``chunks`` runs one chunk under a lease and applies its results
exactly once; ``work`` computes a chunk's results (batched predictions, re-read résumés).
"""
