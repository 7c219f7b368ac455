#!/usr/bin/env bash
# cpack makes the .deb: its file list, control fields (version = the project's, the
# project's Maintainer), the drop-in as a conffile, the shipped plugin inside, and a
# Depends that names the package of every library the packaged ELF files need (their
# NEEDED entries); then installed over a Falco package (deb_over_falco.sh). cpack makes
# the -dbgsym .deb too (dbgsym_package.sh).
# usage: deb_package_test.sh CPACK BUILD_DIR VERSION SHIPPED_PLUGIN DROP_IN CONTACT
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
cpack=$1 build=$2 version=$3 plugin=$4 drop_in=$5 contact=$6
arch=$(dpkg --print-architecture)

# -B: cpack stages and writes in the scratch directory, not in the build tree.
"$cpack" --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
  fail "cpack: $(cat "$scratch/cpack.log")"
deb=$scratch/out/falco-container-plugin_${version}_${arch}.deb
dbgsym=$scratch/out/falco-container-plugin-dbgsym_${version}_${arch}.deb
for package in "$deb" "$dbgsym"; do
  [ -f "$package" ] || fail "no $(basename "$package"); cpack wrote: $(ls "$scratch/out")"
done

expect_eq "dpkg -c (mode owner path)" "drwxr-xr-x root/root ./etc/
drwxr-xr-x root/root ./etc/falco/
drwxr-xr-x root/root ./etc/falco/config.d/
-rw-r--r-- root/root ./etc/falco/config.d/falco.container_plugin.yaml
drwxr-xr-x root/root ./usr/
drwxr-xr-x root/root ./usr/bin/
-rwxr-xr-x root/root ./usr/bin/container-watch
drwxr-xr-x root/root ./usr/share/
drwxr-xr-x root/root ./usr/share/falco/
drwxr-xr-x root/root ./usr/share/falco/plugins/
-rw-r--r-- root/root ./usr/share/falco/plugins/libcontainer.so" "$(dpkg -c "$deb" | awk '{print $1, $2, $6}' | LC_ALL=C sort -k3)"

field() { dpkg-deb -f "$deb" "$1"; }
expect_eq Package falco-container-plugin "$(field Package)"
expect_eq Version "$version" "$(field Version)"
expect_eq Architecture "$arch" "$(field Architecture)"
expect_eq "Description summary" "container and Kubernetes metadata for Falco (container plugin)" \
  "$(field Description | head -1)"
expect_eq Section admin "$(field Section)"
expect_eq Priority optional "$(field Priority)"
expect_eq Replaces falco "$(field Replaces)"
expect_eq Enhances falco "$(field Enhances)"
expect_eq Maintainer "$contact" "$(field Maintainer)"
[[ "$contact" =~ ^[^\<]+\ \<[^\>]+@[^\>]+\>$ ]] || fail "Maintainer is not 'name <address>': $contact"
expect_eq conffiles /etc/falco/config.d/falco.container_plugin.yaml "$(dpkg-deb -I "$deb" conffiles)"

dpkg-deb -x "$deb" "$scratch/root"
expect_same_file "$plugin" "$scratch/root/usr/share/falco/plugins/libcontainer.so"
expect_same_file "$drop_in" "$scratch/root/etc/falco/config.d/falco.container_plugin.yaml"

# The package owning a library path as ldd prints it; dpkg records /lib paths of
# merged-/usr systems under either spelling.
owner_of() {
  dpkg -S "$1" 2>/dev/null || dpkg -S "/usr$1" 2>/dev/null || dpkg -S "${1#/usr}" 2>/dev/null ||
    fail "no package owns $1"
}
depends=$(field Depends | tr ',|' '\n' | sed 's/^ *//; s/ .*//' | sort -u)
grep -qx libc6 <<<"$depends" || fail "Depends lacks libc6: $(field Depends)"
for elf in usr/bin/container-watch usr/share/falco/plugins/libcontainer.so; do
  for soname in $(readelf -d "$scratch/root/$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
    # "soname => path (address)", or for the dynamic loader "path (address)".
    lib=$(ldd "$scratch/root/$elf" | awk -v soname="$soname" '
      $1 == soname && $3 ~ /^\// {print $3}
      $1 ~ /^\// && substr($1, length($1) - length(soname)) == "/" soname {print $1}')
    [ -n "$lib" ] || fail "$elf needs $soname, which is not found here"
    package=$(owner_of "$lib" | head -1 | cut -d: -f1)
    grep -qxF "$package" <<<"$depends" || fail "$elf needs $lib of $package, which Depends lacks: $(field Depends)"
  done
done
echo "$(basename "$deb"): Depends: $(field Depends)"

bash "$(dirname "$0")/deb_over_falco.sh" "$deb"
bash "$(dirname "$0")/dbgsym_package.sh" "$deb" "$dbgsym"
