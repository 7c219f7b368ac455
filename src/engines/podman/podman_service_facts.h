// Gathers what decides a podman service's events log (podman_events_discovery.h)
// from the running service: the process listening on its socket (the unix
// socket's peer credentials) with its command line and environment, and the
// containers.conf files podman reads for that process, in its order:
// $CONTAINERS_CONF alone when set, else /usr/share/containers/containers.conf,
// /etc/containers/containers.conf, /etc/containers/containers.conf.d/*.conf
// and, rootless, $XDG_CONFIG_HOME (~/.config)/containers/containers.conf and
// its .d; then $CONTAINERS_CONF_OVERRIDE (newer podman).
#pragma once

#include <string>
#include <string_view>

#include "engines/podman/podman_events_discovery.h"

namespace libcontainer {

// `info_body`: the service's GET /libpod/info ("" if unavailable). Files are
// read under `host_root` ("" for /). When the listener is not a podman process
// in this pid namespace (socket activation, another namespace), only the
// system files and the defaults count; `*note` then says why.
PodmanEventsLogInputs GatherPodmanEventsLogInputs(const std::string& socket, std::string_view info_body,
                                                  const std::string& host_root, std::string* note);

}  // namespace libcontainer
