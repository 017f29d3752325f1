"""A plain consumer of what the broker publishes, decoding each message as its readers do.

    python read_topic.py BOOTSTRAP TOPIC FORMAT COUNT [SCHEMA_FOLDER]

FORMAT fink: fink-client's own AlertConsumer.process_message (fastavro's schemaless reader,
the writer schema parsed from the message key). container: fastavro.reader over the message (one
Avro container file a message, as ZTF's stream). confluent: byte 0, a big-endian schema id, the
body read with fastavro's schemaless reader and the schema SCHEMA_FOLDER/<id>.avsc.

Reads COUNT messages (fails after 60 s without one) and writes one JSON line per alert:
    {"partition", "offset", "key", "candid", "objectId", "fields": {...top-level non-record fields}}
with 64-bit ids as decimal strings.
"""

import io
import json
import sys
import uuid

import fastavro
from confluent_kafka import Consumer
from fink_client.consumer import AlertConsumer


def main(bootstrap, topic, fmt, count, schema_folder=None):
    config = {"bootstrap.servers": bootstrap, "group.id": f"read-{uuid.uuid4()}"}
    if fmt == "fink":
        fink = AlertConsumer([topic], config, survey="ztf")
        consumer = fink._consumer
        decode = lambda msg: [fink.process_message(msg)[1]]
    else:
        consumer = Consumer({**config, "auto.offset.reset": "earliest"})
        consumer.subscribe([topic])
        if fmt == "container":
            decode = lambda msg: list(fastavro.reader(io.BytesIO(msg.value())))
        else:
            schemas = {}

            def decode(msg):
                value = msg.value()
                assert value[0] == 0, "not Confluent wire format"
                schema_id = int.from_bytes(value[1:5], "big")
                if schema_id not in schemas:
                    with open(f"{schema_folder}/{schema_id}.avsc") as handle:
                        schemas[schema_id] = fastavro.parse_schema(json.load(handle))
                return [fastavro.schemaless_reader(io.BytesIO(value[5:]), schemas[schema_id])]

    read = 0
    try:
        while read < count:
            msg = consumer.poll(60)
            if msg is None:
                sys.exit(f"no message for 60 s after {read} of {count} from {topic}")
            if msg.error():
                sys.exit(f"{topic}: {msg.error()}")
            read += 1
            key = msg.key()
            for alert in decode(msg):
                fields = {k: v for k, v in alert.items() if not isinstance(v, (dict, list, bytes))}
                print(json.dumps({
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                    "key": None if key is None or fmt == "fink" else key.decode(),
                    "candid": str(alert["candid"]),
                    "objectId": alert["objectId"],
                    "fields": fields,
                }, default=str))
    finally:
        consumer.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:])
