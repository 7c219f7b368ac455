#!/usr/bin/env bash
# `cmake --install --prefix /usr` into a DESTDIR puts exactly three files where a Falco
# host has them: the shipped plugin where Falco resolves the drop-in's relative
# library_path (/usr/share/falco/plugins), the drop-in in /etc/falco/config.d
# (absolute, whatever the prefix), container-watch in /usr/bin, which runs from there.
# usage: install_tree_test.sh CMAKE BUILD_DIR SHIPPED_PLUGIN DROP_IN
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
cmake=$1 build=$2 plugin=$3 drop_in=$4
root=$scratch/root

DESTDIR=$root "$cmake" --install "$build" --prefix /usr >"$scratch/install.log" 2>&1 ||
  fail "cmake --install: $(cat "$scratch/install.log")"

expect_eq "installed files (path mode)" "etc/falco/config.d/falco.container_plugin.yaml 644
usr/bin/container-watch 755
usr/share/falco/plugins/libcontainer.so 644" "$(cd "$root" && find . -type f -printf '%P %m\n' | LC_ALL=C sort)"
expect_same_file "$plugin" "$root/usr/share/falco/plugins/libcontainer.so"
expect_same_file "$drop_in" "$root/etc/falco/config.d/falco.container_plugin.yaml"
grep -qx '    library_path: libcontainer.so' "$root/etc/falco/config.d/falco.container_plugin.yaml" ||
  fail "the drop-in does not load libcontainer.so from Falco's plugins directory"

"$root/usr/bin/container-watch" --schema >"$scratch/schema.json" 2>"$scratch/schema.err" ||
  fail "installed container-watch --schema: $(cat "$scratch/schema.err")"
grep -q '"label_max_len"' "$scratch/schema.json" || fail "installed container-watch --schema printed no init schema"
echo "installed: $(cd "$root" && find . -type f | sort | tr '\n' ' ')"
