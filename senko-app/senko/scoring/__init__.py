"""Scoring: the client of senko-predict and the rules around scores."""
