#!/usr/bin/env bash
# Run by deb_package_test.sh: the -dbgsym .deb beside the package, as Debian ships debug
# info. Its control fields; its files, exactly one /usr/lib/debug/.build-id/<xx>/<rest>.debug
# per ELF file of the package, named by that file's build ID; then both installed in a
# scratch dpkg root, where gdb, its debug-file-directory pointed at the root's
# /usr/lib/debug, finds the debug info of the installed files by build ID alone: the
# functions' source files and lines, also of functions the plugin does not export. The same
# gdb commands without the debug info find none of that, so the check can fail. A purge of
# the -dbgsym package leaves the package itself whole.
# usage: dbgsym_package.sh DEB DBGSYM_DEB
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
deb=$1 dbgsym=$2
root=$scratch/root
elf_files=(usr/share/falco/plugins/libcontainer.so usr/bin/container-watch)

field() { dpkg-deb -f "$dbgsym" "$1"; }
expect_eq Package falco-container-plugin-dbgsym "$(field Package)"
expect_eq Version "$(dpkg-deb -f "$deb" Version)" "$(field Version)"
expect_eq Architecture "$(dpkg-deb -f "$deb" Architecture)" "$(field Architecture)"
expect_eq Maintainer "$(dpkg-deb -f "$deb" Maintainer)" "$(field Maintainer)"
expect_eq Section debug "$(field Section)"
expect_eq Priority optional "$(field Priority)"
expect_eq Depends "falco-container-plugin (= $(field Version))" "$(field Depends)"
expect_eq "Description summary" "debug symbols for falco-container-plugin" "$(field Description | head -1)"
for absent in Replaces Enhances; do
  expect_eq "$absent" "" "$(field "$absent")"
done
if dpkg-deb -I "$dbgsym" conffiles >/dev/null 2>&1; then
  fail "the -dbgsym package has conffiles"
fi

dpkg-deb -x "$deb" "$scratch/package"
build_id() {
  local id
  id=$(readelf -nW "$1" 2>/dev/null | sed -n 's/.*Build ID: //p')
  [[ "$id" =~ ^[0-9a-f]{40}$ ]] || fail "$1 has no sha1 build ID: '$id'"
  echo "$id"
}
declare -A debug_file
expected=""
for elf in "${elf_files[@]}"; do
  id=$(build_id "$scratch/package/$elf")
  debug_file[$elf]=usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
  expected+="-rw-r--r-- root/root ./${debug_file[$elf]}"$'\n'
done
actual=$(dpkg -c "$dbgsym" | awk '$1 !~ /^d/ {print $1, $2, $6}' | LC_ALL=C sort -k3)
expect_eq "dpkg -c of the -dbgsym package (files)" "$(LC_ALL=C sort -k3 <<<"${expected%$'\n'}")" "$actual"
dpkg -c "$dbgsym" | awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" {exit 1}' || fail "a directory is not 0755: $(dpkg -c "$dbgsym")"

dpkg_root "$root"
in_root() { in_dpkg_root "$root" "$@"; }
in_root -i "$deb" "$dbgsym" || fail "dpkg -i of both: $(cat "$scratch/dpkg.log")"
for elf in "${elf_files[@]}"; do
  expect_eq "owner of /${debug_file[$elf]}" "falco-container-plugin-dbgsym: /${debug_file[$elf]}" \
    "$(dpkg --root="$root" -S "/${debug_file[$elf]}")"
  # The debug info that was split from the installed file, not any with its name.
  expect_eq "build ID of /${debug_file[$elf]}" "$(build_id "$root/$elf")" "$(build_id "$root/${debug_file[$elf]}")"
  [[ "$(readelf -SW "$root/${debug_file[$elf]}" 2>/dev/null)" == *" .debug_info "* ]] || fail "/${debug_file[$elf]} has no .debug_info"
done

# gdb DEBUG_FILE_DIRECTORY ELF COMMAND...: what gdb says about the installed ELF file. The
# stripped files' .gnu_debuglink names a file beside them, which the root does not have:
# only the build-ID lookup can find the debug info.
gdb_on() {
  local dir=$1 elf=$2
  shift 2
  local commands=()
  for command in "$@"; do commands+=(-ex "$command"); done
  # debuginfod off: only the root's files may answer (and tests talk to no server).
  gdb -nx -batch -iex 'set debuginfod enabled off' -iex "set debug-file-directory $dir" "$elf" "${commands[@]}" 2>&1
}
# show TITLE OUTPUT: gdb's answer in the test's log, indented under what it answers.
show() {
  echo "$1"
  while IFS= read -r line; do [ -z "$line" ] || echo "  $line"; done <<<"$2"
}
plugin=$root/usr/share/falco/plugins/libcontainer.so
watch=$root/usr/bin/container-watch
plugin_debug=$root/${debug_file[usr/share/falco/plugins/libcontainer.so]}
watch_debug=$root/${debug_file[usr/bin/container-watch]}

with=$(gdb_on "$root/usr/lib/debug" "$plugin" 'info functions ^plugin_init\b' 'info line plugin_init' \
  'info functions ^libcontainer::PluginConfigSchema\b' 'info sources plugin_exports')
show "gdb, libcontainer.so with the -dbgsym package:" "$with"
grep -qxF "$plugin_debug:" <<<"$with" || fail "gdb read no symbols from $plugin_debug"
grep -qE '^File .*src/plugin/plugin_exports\.cpp:$' <<<"$with" || fail "gdb knows no source file of plugin_init"
grep -qE '^[0-9]+:.*plugin_init\(ss_plugin_init_input const\*, ss_plugin_rc\*\);$' <<<"$with" ||
  fail "gdb knows no declaration line of plugin_init"
grep -qE '^Line [0-9]+ of ".*src/plugin/plugin_exports\.cpp" starts at address' <<<"$with" ||
  fail "gdb knows no line of plugin_init"
# A hidden function: in no dynamic symbol table, only in the debug info.
grep -qE '^File .*src/core/plugin_config\.cpp:$' <<<"$with" || fail "gdb knows no source file of PluginConfigSchema"

without=$(gdb_on "$scratch/no-debug" "$plugin" 'info functions ^plugin_init\b' 'info line plugin_init')
if ! grep -qxF 'Non-debugging symbols:' <<<"$without" || grep -q '^File ' <<<"$without"; then
  fail "gdb found debug info for libcontainer.so without the -dbgsym package: $without"
fi

with=$(gdb_on "$root/usr/lib/debug" "$watch" 'info functions ^main\b' 'info sources container_watch/main')
show "gdb, container-watch with the -dbgsym package:" "$with"
grep -qxF "$watch_debug:" <<<"$with" || fail "gdb read no symbols from $watch_debug"
grep -qE '^File .*tools/container_watch/main\.cpp:$' <<<"$with" || fail "gdb knows no source file of container-watch's main"
without=$(gdb_on "$scratch/no-debug" "$watch" 'info functions ^main\b')
! grep -q '^File ' <<<"$without" || fail "gdb found debug info for container-watch without the -dbgsym package: $without"

in_root --purge falco-container-plugin-dbgsym || fail "purging the -dbgsym package: $(cat "$scratch/dpkg.log")"
for elf in "${elf_files[@]}"; do
  [ ! -e "$root/${debug_file[$elf]}" ] || fail "/${debug_file[$elf]} is left after the purge"
  expect_same_file "$scratch/package/$elf" "$root/$elf"
done
echo "-dbgsym package: $(basename "$dbgsym"), $(stat -c %s "$dbgsym") bytes; gdb finds both files' debug info by build ID"
