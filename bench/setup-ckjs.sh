#!/usr/bin/env bash
# Installs @confluentinc/kafka-javascript (librdkafka bindings) for the benchmark only, into
# bench/.cache/ckjs (git-ignored; not a dependency of Rivulet). Its prebuilt binaries cannot be
# downloaded here, so it is built from source: with CKJS_LINKING=dynamic the package compiles the
# librdkafka source it ships (2.15.x for 1.10.1) against the system's shared libraries, so zstd
# and lz4 support need libzstd-dev and liblz4-dev at build time (otherwise librdkafka is built
# without zstd). Takes ~3-5 minutes on 2 cores.
# Idempotent: does nothing when the module already loads.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here/.cache/ckjs"
version="${CKJS_VERSION:-1.10.1}"

if [[ -d "$dir/node_modules/@confluentinc/kafka-javascript" ]] &&
   node -e "require('$dir/node_modules/@confluentinc/kafka-javascript')" 2>/dev/null; then
  echo "ckjs: already installed in $dir" >&2
  exit 0
fi

need=()
for p in libzstd-dev liblz4-dev libssl-dev zlib1g-dev; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if (( ${#need[@]} )); then
  echo "ckjs: installing ${need[*]} (apt)" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" >&2
fi

mkdir -p "$dir"
cd "$dir"
[[ -f package.json ]] || echo '{"name":"rivulet-bench-ckjs","private":true}' > package.json
start=$(date +%s)
CKJS_LINKING=dynamic npm install --no-audit --no-fund "@confluentinc/kafka-javascript@$version" >&2
node -e "const k = require('$dir/node_modules/@confluentinc/kafka-javascript'); console.error('ckjs: librdkafka', k.librdkafkaVersion, 'features', k.features.join(','))"
echo "ckjs: built @confluentinc/kafka-javascript $version in $(( $(date +%s) - start ))s" >&2
