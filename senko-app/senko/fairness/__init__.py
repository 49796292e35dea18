"""Adverse-impact measurement: selection rates by stated group, four-fifths ratios with intervals, calibration."""
