#!/usr/bin/env bash
# A guided tour on a throw-away copy of fixtures/example: the main job of
# cfgtrail from snapshot to audit. Run with `npm run example`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# Prints the command as one would type it (single-quoting where needed), then runs it.
ct() {
  local shown='$ cfgtrail' a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@~-]+$ ]]; then shown+=" $a"; else shown+=" '${a//\'/\'\\\'\'}'"; fi
  done
  printf '\n%s\n' "$shown"
  node "$here/bin/cfgtrail.js" "$@"
}
work=$(mktemp -d "${TMPDIR:-/tmp}/cfgtrail-example.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/fixtures/example/." "$work/"
cd "$work"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-Jane Operator}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-jane@example.com}"

ct init
ct snapshot -m "Initial myapp config" --component myapp
echo; echo "# a Tuesday change: raise the pool, enable the beta UI, rotate the password"
sed -i 's/max: 20/max: 50/; s/beta_ui: false/beta_ui: true/; s/s3cr3t-pass/n3w-pass/' config.yaml
ct status
ct diff
ct snapshot -m "Raise DB pool for the sale" --body "Traffic forecast doubles on Friday." \
  --risk high --component database --component myapp --ticket OPS-1234 \
  --requested-by "Sam Lead <sam@example.com>" --approved-by "Bob DBA <bob@example.com>"
ct log
ct log --field database.pool.max --oneline
ct show HEAD
ct export HEAD
echo; echo "# 3 a.m.: the bigger pool exhausts the database; someone also edited a file by hand"
echo "# extra: true" >> conf.d/cache.yaml
ct rollback --previous --dry-run
ct rollback --previous --yes -m "pool exhaustion on db-2"
ct log --oneline
ct show HEAD
ct status
echo; echo "# native git reads the same store:"
echo "\$ git --git-dir=.cfgtrail log --format='%h %s [%(trailers:key=Change-Id,valueonly,separator=)]'"
git --git-dir=.cfgtrail log --format='%h %s [%(trailers:key=Change-Id,valueonly,separator=)]'
