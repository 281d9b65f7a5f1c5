#!/usr/bin/env bash
# Runs every test of the solution, after installing the Debian packages the tests need when they are missing.
# Tests that need PostgreSQL, RabbitMQ, InfluxDB, Redis, nginx, mosquitto or Chromium start their own throwaway servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

packages=(postgresql rabbitmq-server influxdb redis-server nginx-light mosquitto chromium python3-sklearn python3-onnx python3-torch libonnx-testdata)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # Keep the packaged services from starting system-wide: tests start their own instances.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test NgsiFlow.slnx -c Release --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
