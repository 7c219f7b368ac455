#!/usr/bin/env bash
# Run by deb_package_test.sh: the .deb on a host whose Falco package (0.41+) bundles
# the reference plugin at the same two paths, in a scratch dpkg root with a stand-in
# `falco` package owning them. Ours takes them over (Replaces: falco), keeps them when
# falco is upgraded, and a purge of ours plus a reinstall of falco gives Falco's back.
# usage: deb_over_falco.sh DEB
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
deb=$1 work=$scratch
plugin=/usr/share/falco/plugins/libcontainer.so
drop_in=/etc/falco/config.d/falco.container_plugin.yaml
root=$work/root
dpkg_root "$root"
in_root() { in_dpkg_root "$root" "$@"; }

# falco_deb VERSION: a `falco` package with the bundled plugin and its drop-in (a conffile).
falco_deb() {
  local tree=$work/falco-$1
  mkdir -p "$tree/DEBIAN" "$tree${plugin%/*}" "$tree${drop_in%/*}"
  echo "falco $1's bundled plugin" >"$tree$plugin"
  echo "load_plugins: [container] # falco $1" >"$tree$drop_in"
  printf 'Package: falco\nVersion: %s\nArchitecture: all\nMaintainer: test <test@localhost>\nDescription: stand-in\n' \
    "$1" >"$tree/DEBIAN/control"
  echo "$drop_in" >"$tree/DEBIAN/conffiles"
  dpkg-deb --build --root-owner-group "$tree" "$work/falco_$1.deb" >/dev/null
}
falco_deb 0.41.0
falco_deb 0.41.1
dpkg-deb -x "$deb" "$work/ours"

expect_ours() {
  for file in $plugin $drop_in; do
    expect_same_file "$work/ours$file" "$root$file"
    expect_eq "owner of $file ($1)" "falco-container-plugin: $file" "$(dpkg --root="$root" -S "$file")"
  done
}
in_root -i "$work/falco_0.41.0.deb" || fail "installing the stand-in falco: $(cat "$work/dpkg.log")"
in_root -i "$deb" || fail "dpkg -i over falco: $(cat "$work/dpkg.log")"
expect_ours "installed over falco 0.41.0"
in_root -i "$work/falco_0.41.1.deb" || fail "upgrading falco: $(cat "$work/dpkg.log")"
expect_ours "after falco's upgrade to 0.41.1"

in_root --purge falco-container-plugin || fail "purging: $(cat "$work/dpkg.log")"
in_root -i "$work/falco_0.41.1.deb" || fail "reinstalling falco: $(cat "$work/dpkg.log")"
expect_eq "plugin after purge and falco reinstall" "falco 0.41.1's bundled plugin" "$(cat "$root$plugin")"
expect_eq "drop-in after purge and falco reinstall" "load_plugins: [container] # falco 0.41.1" "$(cat "$root$drop_in")"
echo "over a falco package: taken over, kept across falco's upgrade, given back on purge"
