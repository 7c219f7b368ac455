# cmake -DPLUGIN=<.so> -DVERSION=<x.y.z> -DARCH=<uname -m> -DOUTPUT_DIR=<dir> -P plugin_tarball.cmake
#
# Writes OUTPUT_DIR/container-VERSION-linux-ARCH.tar.gz holding PLUGIN as
# libcontainer.so at its root, as falcoctl plugin artifacts are laid out: falcoctl
# unpacks them straight into Falco's plugins directory. Run by the
# package-plugin-tarball target and by the install tests.
foreach(arg IN ITEMS PLUGIN VERSION ARCH OUTPUT_DIR)
  if(NOT DEFINED ${arg} OR "${${arg}}" STREQUAL "")
    message(FATAL_ERROR "plugin_tarball.cmake: -D${arg}=... is required")
  endif()
endforeach()

set(tarball ${OUTPUT_DIR}/container-${VERSION}-linux-${ARCH}.tar.gz)
set(staging ${OUTPUT_DIR}/container-tarball-staging)
file(REMOVE_RECURSE ${staging})
file(MAKE_DIRECTORY ${staging})
file(COPY_FILE ${PLUGIN} ${staging}/libcontainer.so)
file(CHMOD ${staging}/libcontainer.so PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# GNU tar and gzip (both Essential in Debian) with the owner, time and gzip header
# fixed: the same plugin always makes the same tarball.
execute_process(COMMAND tar --format=gnu --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - libcontainer.so
                COMMAND gzip -n
                WORKING_DIRECTORY ${staging} OUTPUT_FILE ${tarball} RESULTS_VARIABLE statuses)
file(REMOVE_RECURSE ${staging})
if(NOT statuses STREQUAL "0;0")
  file(REMOVE ${tarball})
  message(FATAL_ERROR "plugin_tarball.cmake: writing ${tarball} failed (exit codes ${statuses})")
endif()
message(STATUS "plugin tarball: ${tarball}")
