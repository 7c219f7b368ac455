#!/usr/bin/env bash
# The package-plugin-tarball script (the target's command, here into a scratch
# directory) writes container-<version>-linux-<uname -m>.tar.gz, falcoctl's naming,
# holding only the shipped plugin as libcontainer.so at its root, owned by root; a
# second run writes the same bytes.
# usage: plugin_tarball_test.sh CMAKE SCRIPT VERSION ARCH SHIPPED_PLUGIN
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
cmake=$1 script=$2 version=$3 arch=$4 plugin=$5
name=container-$version-linux-$(uname -m).tar.gz

make_tarball() {
  "$cmake" -DPLUGIN="$plugin" -DVERSION="$version" -DARCH="$arch" -DOUTPUT_DIR="$1" -P "$script" \
    >"$scratch/tarball.log" 2>&1 || fail "$script: $(cat "$scratch/tarball.log")"
  expect_eq "files written" "$name" "$(ls "$1")"
}
make_tarball "$scratch/out"
tarball=$scratch/out/$name

expect_eq "tar -tv (mode owner name)" "-rw-r--r-- 0/0 libcontainer.so" \
  "$(tar -tvzf "$tarball" --numeric-owner | awk '{print $1, $2, $6}')"
mkdir "$scratch/x"
tar -xzf "$tarball" -C "$scratch/x"
expect_same_file "$plugin" "$scratch/x/libcontainer.so"

make_tarball "$scratch/again"
expect_same_file "$tarball" "$scratch/again/$name"
echo "$name: $(tar -tvzf "$tarball")"
