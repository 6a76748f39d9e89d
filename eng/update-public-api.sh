#!/usr/bin/env bash
# Brings PublicAPI.Unshipped.txt of every packable library up to date from the compiler's diagnostics: symbols the
# analyzer reports as missing (RS0016) are inserted, and symbols it reports as gone (RS0017) are removed, so the files
# always list exactly the public surface. Lines already there keep their place and new ones go where they sort
# (ordinal), so two branches that each add symbols touch different lines and merge cleanly.
#   eng/update-public-api.sh          update in place
#   eng/update-public-api.sh --sort   write each file again in ordinal order (one clean diff, when nobody else is adding)
# Review the diff: every added line is a public API promise.
set -euo pipefail
cd "$(dirname "$0")/.."
sort_all=false
[ "${1:-}" = "--sort" ] && sort_all=true
export LC_ALL=C
for project in src/PolicyAttach src/PolicyAttach.Kubernetes src/PolicyAttach.Testing; do
  unshipped="$project/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || printf '#nullable enable\n' > "$unshipped"
  log=$(dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  added=$(printf '%s\n' "$log" | grep -o "RS0016: Symbol '[^']*'" | sed "s/^RS0016: Symbol '//; s/'\$//" | sort -u || true)
  removed=$(printf '%s\n' "$log" | grep -o "RS0017: Symbol '[^']*'" | sed "s/^RS0017: Symbol '//; s/'\$//" | sort -u || true)
  current=$(tail -n +2 "$unshipped")
  # Keep every current line the analyzer did not report as gone, in its place.
  kept=$(printf '%s\n' "$current" | grep -vxF -f <(printf '%s\n' "$removed" | grep . || printf '\001\n') | grep . || true)
  if $sort_all; then
    body=$(printf '%s\n%s\n' "$kept" "$added" | grep . | sort -u || true)
  else
    # Merge the sorted new symbols into the kept lines: each new one goes before the first kept line it sorts before.
    body=$(awk 'NR == FNR { if ($0 != "") add[++n] = $0; next }
                { while (i < n && add[i + 1] < $0) print add[++i]; print }
                END { while (i < n) print add[++i] }' <(printf '%s\n' "$added") <(printf '%s\n' "$kept") | grep . || true)
  fi
  { printf '#nullable enable\n'; [ -n "$body" ] && printf '%s\n' "$body"; } > "$unshipped"
  echo "$unshipped: $(($(wc -l < "$unshipped") - 1)) symbols ($(printf '%s\n' "$added" | grep -c . || true) added, $(printf '%s\n' "$removed" | grep -c . || true) removed)"
done
