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

# dpkg_root DIR: an empty dpkg database in DIR, for in_dpkg_root.
dpkg_root() {
  mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates"
  touch "$1/var/lib/dpkg/status" "$1/var/lib/dpkg/available"
}

# in_dpkg_root DIR DPKG_ARGUMENTS...: dpkg on the scratch root DIR, its output appended to
# $scratch/dpkg.log. --force-depends: the root has none of the libraries the packages
# depend on; --force-not-root: a scratch root needs no root.
in_dpkg_root() {
  local root=$1
  shift
  dpkg --root="$root" --log=/dev/null --force-script-chrootless --force-depends --force-not-root "$@" \
    >>"$scratch/dpkg.log" 2>&1
}
