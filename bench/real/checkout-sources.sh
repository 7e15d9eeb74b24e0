#!/usr/bin/env bash
# Clones every repository of bench/real/sources.ts at its pinned commit into DIR/owner+name,
# the layout prepare-lines.ts reads. Needs git and network access to GitHub.
#   bash bench/real/checkout-sources.sh scratch/real-src
set -euo pipefail
dir=${1:-scratch/real-src}
mkdir -p "$dir"
cd "$(dirname "$0")/../.."
npx tsx -e "import('./bench/real/sources.ts').then(m => m.REAL_SOURCES.forEach(s => console.log(s.repo, s.commit)))" |
while read -r repo commit; do
  target="$dir/${repo/\//+}"
  if [ ! -d "$target/.git" ]; then git clone --quiet --filter=blob:none --no-checkout "https://github.com/$repo.git" "$target"; fi
  git -C "$target" checkout --quiet "$commit"
  echo "$repo at $commit"
done
