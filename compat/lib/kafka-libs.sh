#!/usr/bin/env bash
# Fetches Apache Kafka (broker, tools, clients and their runtime jars) from Maven Central into
# compat/.cache/kafka-libs/ and prints that directory. Idempotent: a stamp file records the version
# fetched, and a second run with the same version does nothing.
#
#   compat/lib/kafka-libs.sh                       # Kafka 4.4.0 → /abs/path/compat/.cache/kafka-libs
#   KAFKA_VERSION=4.2.0 compat/lib/kafka-libs.sh   # another version → compat/.cache/kafka-libs-4.2.0
#   compat/lib/kafka-libs.sh --clients 4.1.2       # kafka-clients only → compat/.cache/kafka-clients-4.1.2
#   java -cp "$(compat/lib/kafka-libs.sh)/*" kafka.Kafka server.properties
#
# The default version keeps the plain directory name so the commands in compat/README.md stay short;
# other versions get their own directories, so the suite can hold the reference Kafka and an older
# Java client side by side.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
compat="$(dirname "$here")"
default_version=4.4.0
version="${KAFKA_VERSION:-$default_version}"
kind=full
if [[ "${1:-}" == "--clients" ]]; then
  kind=clients
  version="${2:?usage: kafka-libs.sh --clients VERSION}"
fi
if [[ "$kind" == clients ]]; then
  libs="$compat/.cache/kafka-clients-$version"
  marker="kafka-clients-$version.jar"
elif [[ "$version" == "$default_version" ]]; then
  libs="$compat/.cache/kafka-libs"
  marker="kafka_2.13-$version.jar"
else
  libs="$compat/.cache/kafka-libs-$version"
  marker="kafka_2.13-$version.jar"
fi
stamp="$libs/.fetched-$version"

if [[ -f "$stamp" ]] && [[ -f "$libs/$marker" ]]; then
  echo "$libs"
  exit 0
fi

command -v mvn >/dev/null || { echo "kafka-libs: mvn not found (apt-get install -y maven)" >&2; exit 1; }
rm -rf "$libs"
mkdir -p "$libs"
start=$(date +%s)
extra=()
[[ "$kind" == clients ]] && extra+=(-Dclients.only)
if ! mvn -q -B -f "$compat/kafka/pom.xml" -Dkafka.version="$version" -Dkafka.libs.dir="$libs" "${extra[@]}" package >&2; then
  echo "kafka-libs: maven failed" >&2
  rm -rf "$libs"
  exit 1
fi
touch "$stamp"
echo "kafka-libs: fetched Kafka $version${extra:+ (clients only)} ($(ls "$libs"/*.jar | wc -l) jars) in $(( $(date +%s) - start ))s" >&2
echo "$libs"
