"""An independent decode of alert files, for the TypeScript reader's tests to compare against.

    python decode_alerts.py FILE...

Avro files are read with fastavro, Parquet files with pyarrow. Writes one JSON line per alert:
    {"file", "index", "id", "objectId", "history", "upperLimits"}
with the 64-bit ids as decimal strings (exact), `history` the number of history entries
(ZTF prv_candidates + fp_hists; Rubin prvDiaSources + prvDiaForcedSources +
prvDiaNondetectionLimits) and `upperLimits` the ZTF prv_candidates with a null magpsf (Rubin:
the nondetection limits). A Rubin object id is diaSource.diaObjectId, else diaObject's, else (a
solar-system source) the ssObjectId of diaSource, ssSource or ssObject; 0 is none.
"""

import json
import sys

import fastavro
import pyarrow.parquet as pq


def records(path):
    if path.endswith(".parquet"):
        yield from pq.read_table(path).to_pylist()
    else:
        with open(path, "rb") as handle:
            yield from fastavro.reader(handle)


def length(value):
    return len(value) if value else 0


def describe(alert):
    if "candidate" in alert:
        prv = alert.get("prv_candidates") or []
        return {
            "id": str(alert.get("candid") or alert["candidate"]["candid"]),
            "objectId": alert["objectId"],
            "history": len(prv) + length(alert.get("fp_hists")),
            "upperLimits": sum(1 for p in prv if p.get("magpsf") is None),
        }
    source = alert["diaSource"]
    object_id = source.get("diaObjectId") or (alert.get("diaObject") or {}).get("diaObjectId")
    for holder in ("diaSource", "ssSource", "ssObject"):
        object_id = object_id or (alert.get(holder) or {}).get("ssObjectId")
    return {
        "id": str(source["diaSourceId"]),
        "objectId": str(object_id) if object_id else None,
        "history": sum(length(alert.get(k)) for k in ("prvDiaSources", "prvDiaForcedSources", "prvDiaNondetectionLimits")),
        "upperLimits": length(alert.get("prvDiaNondetectionLimits")),
    }


def main():
    for path in sys.argv[1:]:
        for index, alert in enumerate(records(path)):
            print(json.dumps({"file": path, "index": index, **describe(alert)}))


if __name__ == "__main__":
    main()
