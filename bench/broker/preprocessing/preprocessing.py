"""The benchmark's Fink-style preprocessing step (the Fink AI convention: `pre_processing(alert)`
on the flat alert dict, one feature vector back), for raw and Fink-redistributed ZTF alerts.

Features, from the candidate and its light curve (detections only; upper limits have no magpsf):
the PSF magnitude and its error, the number of detections, the magnitude minus the mean of the
earlier detections in the same band (0 without one), and the days since the first detection.
"""

import numpy as np

FEATURE_NAMES = ["magpsf", "sigmapsf", "ndet", "dmag_band", "days_since_first"]


def pre_processing(alert: dict) -> list[float]:
    history = alert.get("prv_candidates") or []
    detections = [p for p in history if p.get("magpsf") is not None]
    jd = np.array([p["jd"] for p in detections] + [alert["jd"]], dtype="float64")
    same_band = np.array([p["magpsf"] for p in detections if p.get("fid") == alert["fid"]], dtype="float64")
    dmag = float(alert["magpsf"] - same_band.mean()) if same_band.size else 0.0
    return [alert["magpsf"], alert["sigmapsf"], float(jd.size), dmag, float(alert["jd"] - jd.min())]
