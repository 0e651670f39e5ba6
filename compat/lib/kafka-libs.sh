#!/usr/bin/env bash
# Fetches Apache Kafka (broker, tools, clients and their runtime jars) from Maven Central into
# compat/.cache/kafka-libs/ and prints that directory. Idempotent: a stamp file records the version
# fetched, and a second run with the same version does nothing.
#
#   compat/lib/kafka-libs.sh                 # prints /abs/path/compat/.cache/kafka-libs
#   KAFKA_VERSION=4.2.0 compat/lib/kafka-libs.sh   # another version (replaces the cache)
#   java -cp "$(compat/lib/kafka-libs.sh)/*" kafka.Kafka server.properties
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
compat="$(dirname "$here")"
libs="$compat/.cache/kafka-libs"
version="${KAFKA_VERSION:-4.1.2}"
stamp="$libs/.fetched-$version"

if [[ -f "$stamp" ]] && ls "$libs"/kafka_2.13-"$version".jar >/dev/null 2>&1; then
  echo "$libs"
  exit 0
fi

command -v mvn >/dev/null || { echo "kafka-libs: mvn not found (apt-get install -y maven)" >&2; exit 1; }
rm -rf "$libs"
mkdir -p "$libs"
start=$(date +%s)
if ! mvn -q -B -f "$compat/kafka/pom.xml" -Dkafka.version="$version" -Dkafka.libs.dir="$libs" package >&2; then
  echo "kafka-libs: maven failed" >&2
  rm -rf "$libs"
  exit 1
fi
touch "$stamp"
echo "kafka-libs: fetched Kafka $version ($(ls "$libs"/*.jar | wc -l) jars) in $(( $(date +%s) - start ))s" >&2
echo "$libs"
