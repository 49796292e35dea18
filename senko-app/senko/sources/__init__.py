"""Job-board sources (媒体連携): scheduled, exactly-once fetching of applications into the pipeline.

``connectors/`` talk to the boards (one small class per kind behind one interface), ``fetcher``
is the only way they reach the network (SSRF guard, size and time caps, politeness), and
``runner`` turns what they fetch into applicants, page by page, recording every run.
"""
