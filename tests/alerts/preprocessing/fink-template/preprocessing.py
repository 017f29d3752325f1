"""A preprocessing in the style of the Fink AI model template: one alert (the flat dict of a
Fink data transfer) in, one finite float per name of FEATURE_NAMES out. Missing and None
fields (mag_rate is None for some alerts, light-curve features are NaN for a new object) get
a default value: it never raises.
"""

import math

FEATURE_NAMES = [
    "magpsf",  # PSF magnitude
    "sigmapsf",  # its error
    "fid",  # filter: 1 = g, 2 = r
    "days_since_first",  # jd minus the first detection's jd
    "mag_rate",  # magnitude change per day since the last measurement
    "amplitude_g",  # half the magnitude range in g
    "mean_g",  # mean magnitude in g
]


def _to_float(value, default=0.0):
    """Return value as a finite float, or default if it is missing or invalid."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def pre_processing(alert):
    """Return the feature vector of one alert, in the order of FEATURE_NAMES."""
    jd = _to_float(alert.get("jd"))
    first = _to_float(alert.get("jd_first_real_det"), jd)
    lc_g = alert.get("lc_features_g") or {}
    return [
        _to_float(alert.get("magpsf")),
        _to_float(alert.get("sigmapsf")),
        _to_float(alert.get("fid")),
        max(0.0, jd - first),
        _to_float(alert.get("mag_rate")),
        _to_float(lc_g.get("amplitude")),
        _to_float(lc_g.get("mean")),
    ]
