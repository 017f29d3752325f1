#!/usr/bin/env bash
# Fetches Apache Kafka (the broker, KRaft mode: no ZooKeeper) for the tests and the live-stream
# demo: org.apache.kafka:kafka_2.13 and its runtime dependencies, resolved by Maven from Maven
# Central (scripts/kafka/pom.xml), copied once into a cache folder outside the clone:
#   ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary}/kafka/<version>/libs/*.jar
# A finished fetch leaves a `complete` marker, so an interrupted one is fetched again. Prints the
# libs folder on stdout. Needs `java` (17+) and `mvn`; without them it says so and exits 1.
# Fetches of one version are serialised by flock.
set -euo pipefail
cd "$(dirname "$0")"

version=$(sed -n 's:.*<version>\(4\.[0-9.]*\)</version>.*:\1:p' kafka/pom.xml | head -1)
root=${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary}/kafka/$version
log() { printf 'kafka-setup: %s\n' "$*" >&2; }

if [[ -f $root/complete ]]; then
  echo "$root/libs"
  exit 0
fi
# One fetch at a time per version (tests start brokers in parallel): the others wait, then find it done.
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9
if [[ -f $root/complete ]]; then
  echo "$root/libs"
  exit 0
fi
for tool in java mvn; do
  command -v "$tool" >/dev/null || {
    log "$tool is missing: install Java 17+ and Maven to run Kafka locally"
    exit 1
  }
done
log "fetching Apache Kafka $version and its dependencies from Maven Central into $root (once)"
rm -rf "$root"
mkdir -p "$root"
mvn -q -B -Dstyle.color=never -f kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$root/libs" >&2
touch "$root/complete"
echo "$root/libs"
