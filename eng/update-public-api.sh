#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every packable library from the compiler's RS0016 diagnostics, so the
# files always list exactly the public surface. Review the diff: every added line is a public API promise.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/PolicyAttach src/PolicyAttach.Kubernetes src/PolicyAttach.Testing; do
  unshipped="$project/PublicAPI.Unshipped.txt"
  printf '#nullable enable\n' > "$unshipped"
  symbols=$(dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 \
    | grep -o "RS0016: Symbol '[^']*'" | sed "s/^RS0016: Symbol '//; s/'\$//" | LC_ALL=C sort -u)
  if [ -n "$symbols" ]; then
    printf '%s\n' "$symbols" >> "$unshipped"
  fi
  echo "$unshipped: $(($(wc -l < "$unshipped") - 1)) symbols"
done
