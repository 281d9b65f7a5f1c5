#!/usr/bin/env bash
# Builds the NuGet packages of every library under src/ (with symbols and SourceLink) and the ngsiflow dotnet tool
# into artifacts/ (or the folder given; more arguments go to dotnet pack, e.g. --no-build). Install the tool with:
#   dotnet tool install --tool-path ~/.ngsiflow --add-source artifacts NgsiFlow.Cli
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts}"
mkdir -p "$out"
shift || true
dotnet pack "$root/NgsiFlow.slnx" -c Release -o "$out" --nologo -p:NgsiFlowRelease=true "$@"
echo "packages in $out:"
ls -1 "$out"
