"""``GET /applicants/histogram``: scored applicants per score range and decision, the unscored, the threshold."""


def test_scores_are_counted_per_range_and_decision(client, recruiter, make_applicant):
    """Every scored applicant lands in exactly one bin by its decision; edges and a score of 1 go where documented."""
    # Scores are stored as FLOAT: the values near an edge here are ones a 4-byte float keeps on their side.
    for score, decision in [(0.0, None), (0.03, "NG"), (0.07, "NG"), (0.62, None), (0.66, "OK"), (0.72, None),
                            (0.99, "OK"), (1.0, "OK")]:
        make_applicant(status="scored", score=score, decision=decision)
    make_applicant()  # no résumé, no score
    make_applicant(status="unscored")

    response = client.get("/applicants/histogram", headers=recruiter["headers"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["threshold"] == 0.65 and body["with_score"] == 8 and body["without_score"] == 2
    bins = body["bins"]
    assert len(bins) == 20 and bins[0]["score_min"] == 0.0 and bins[-1]["score_max"] == 1.0
    assert [(b["score_min"], b["score_max"]) for b in bins[12:14]] == [(0.6, 0.65), (0.65, 0.7)]
    counts = {i: (b["OK"], b["NG"], b["none"]) for i, b in enumerate(bins) if b["OK"] + b["NG"] + b["none"]}
    assert counts == {0: (0, 1, 1), 1: (0, 1, 0), 12: (0, 0, 1), 13: (1, 0, 0), 14: (0, 0, 1), 19: (2, 0, 0)}


def test_bins_parameter(client, recruiter, make_applicant):
    """``bins`` sets the width; a score on an edge goes to the bin it starts; out of range or not a number is a 400."""
    for score in (0.25, 0.5, 0.55, 0.75, 1.0):
        make_applicant(status="scored", score=score, decision="OK")
    body = client.get("/applicants/histogram?bins=4", headers=recruiter["headers"]).get_json()
    assert [(b["score_min"], b["OK"]) for b in body["bins"]] == [(0.0, 0), (0.25, 1), (0.5, 2), (0.75, 2)]
    for bad in ("1", "51", "x"):
        response = client.get(f"/applicants/histogram?bins={bad}", headers=recruiter["headers"])
        assert response.status_code == 400 and "bins" in response.get_json()["message"]


def test_empty_and_signed_out(client, recruiter):
    """No applicants: all zero. Without a token: 401."""
    body = client.get("/applicants/histogram", headers=recruiter["headers"]).get_json()
    assert body["with_score"] == 0 and body["without_score"] == 0 and all(b["OK"] + b["NG"] + b["none"] == 0 for b in body["bins"])
    assert client.get("/applicants/histogram").status_code == 401
