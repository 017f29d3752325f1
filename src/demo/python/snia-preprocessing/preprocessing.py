"""Features of the `snia` science module, in the Fink AI convention.

The broker hands `pre_processing` one alert as Fink's flat dict: the candidate's fields at the
top level (magpsf, sigmapsf, fid, jd, ...) and `prv_candidates`, its history, where entries
without a magnitude are upper limits. The demo's training script calls the same function on
the same dicts, so the model is trained on exactly what it is served.
"""

import numpy as np

FEATURE_NAMES = [
    "magpsf",
    "sigmapsf",
    "ndet",
    "duration",
    "rise_rate",
    "decline_rate",
    "amplitude",
    "color_gr",
    "has_color",
    "mag_vs_peak",
]

# ZTF filter ids: 1 = g, 2 = r.
G, R = 1, 2


def detections(alert):
    """(jd, fid, magpsf) of every detection, history first, sorted by time."""
    points = [
        (p["jd"], p["fid"], p["magpsf"])
        for p in alert.get("prv_candidates") or []
        if p.get("magpsf") is not None and p.get("jd") is not None
    ]
    points.append((alert["jd"], alert["fid"], alert["magpsf"]))
    return sorted(points)


def rates(jd, mag):
    """Fastest brightening and fastest fading, in magnitudes per day (0 with one point)."""
    if len(jd) < 2:
        return 0.0, 0.0
    dt = np.diff(jd)
    keep = dt > 1e-3  # same-night pairs say little about the slope
    if not keep.any():
        return 0.0, 0.0
    slope = np.diff(mag)[keep] / dt[keep]
    return float(max(0.0, -slope.min())), float(max(0.0, slope.max()))


def color(points):
    """g - r of the latest pair of g and r detections less than 3 days apart, else None."""
    last = {}
    for jd, fid, mag in points:
        last[fid] = (jd, mag)
    if G in last and R in last and abs(last[G][0] - last[R][0]) < 3:
        return last[G][1] - last[R][1]
    return None


def pre_processing(alert: dict) -> list[float]:
    points = detections(alert)
    band = [(jd, mag) for jd, fid, mag in points if fid == alert["fid"]]
    jd = np.array([p[0] for p in band], dtype="float64")
    mag = np.array([p[1] for p in band], dtype="float64")
    rise, decline = rates(jd, mag)
    gr = color(points)
    return [
        float(alert["magpsf"]),
        float(alert["sigmapsf"]),
        float(len(points)),
        float(points[-1][0] - points[0][0]),
        rise,
        decline,
        float(mag.max() - mag.min()),
        0.0 if gr is None else float(gr),  # finite always: models and `aviary models check` want numbers
        0.0 if gr is None else 1.0,
        float(alert["magpsf"] - mag.min()),
    ]
