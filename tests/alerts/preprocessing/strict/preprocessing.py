"""The same features as fink-template/, written without care for missing fields: float(None)
raises TypeError on the alerts without a mag_rate, and a KeyError on alerts without Fink's
columns. `aviary models check` must name every alert it fails on.
"""

FEATURE_NAMES = ["magpsf", "sigmapsf", "fid", "mag_rate", "amplitude_g"]


def pre_processing(alert):
    print("strict preprocessing of", alert["objectId"])  # stdout must not disturb the runner
    return [
        float(alert["magpsf"]),
        float(alert["sigmapsf"]),
        float(alert["fid"]),
        float(alert["mag_rate"]),
        float(alert["lc_features_g"]["amplitude"]),
    ]
