# shellcheck shell=bash
# Sourced by the install tests: a scratch directory removed on exit, and checks that
# say what differs.
scratch=$(mktemp -d /tmp/ct-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  [ "$2" == "$3" ] || fail "$1: expected
$2
--- got
$3"
}

# expect_same_file EXPECTED ACTUAL
expect_same_file() {
  cmp -s "$1" "$2" || fail "$2 is not a copy of $1"
}
