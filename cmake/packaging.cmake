# Installing and packaging, the way Falco users get plugins (README: Install):
# - `cmake --install build/release --prefix /usr`: libcontainer.so into
#   <prefix>/share/falco/plugins (where Falco resolves a relative library_path),
#   container-watch into <prefix>/bin, and the config.d drop-in that loads the
#   plugin into /etc/falco/config.d (absolute whatever the prefix, as Falco's own
#   packages install theirs). `--component dbgsym` installs their debug info instead,
#   into <prefix>/lib/debug/.build-id.
# - `cpack --config build/release/CPackConfig.cmake`: those files as two .debs, the
#   package and its -dbgsym package, as Debian ships a package's debug info.
# - `cmake --build build/release --target package-plugin-tarball`: the plugin as
#   falcoctl artifacts carry it, container-<version>-linux-<arch>.tar.gz with
#   libcontainer.so at its root.
# The version of all of them is the project() version.

# The files shipped (installed, packaged, put in the tarball) are the stripped copies in
# dist/, made by the *_stripped targets; their debug info goes to the -dbgsym package.
get_target_property(LIBCONTAINER_SHIPPED_PLUGIN container LIBCONTAINER_SHIPPED_FILE)
get_target_property(LIBCONTAINER_SHIPPED_WATCH container-watch LIBCONTAINER_SHIPPED_FILE)
set(LIBCONTAINER_SHIPPED_PLUGIN_TARGET container_stripped)

set(LIBCONTAINER_PLUGINS_INSTALL_DIR share/falco/plugins)
set(LIBCONTAINER_CONFIG_D_INSTALL_DIR /etc/falco/config.d)
set(LIBCONTAINER_DROP_IN ${CMAKE_CURRENT_SOURCE_DIR}/packaging/falco.container_plugin.yaml)

# A plugin is dlopen'ed, never executed: 0644, like any shared library.
install(FILES ${LIBCONTAINER_SHIPPED_PLUGIN} DESTINATION ${LIBCONTAINER_PLUGINS_INSTALL_DIR} RENAME libcontainer.so
  COMPONENT plugin)
install(PROGRAMS ${LIBCONTAINER_SHIPPED_WATCH} DESTINATION bin COMPONENT plugin)
install(FILES ${LIBCONTAINER_DROP_IN} DESTINATION ${LIBCONTAINER_CONFIG_D_INSTALL_DIR} COMPONENT plugin)
# Both files' debug info, where gdb looks by build ID (its debug-file-directory is
# /usr/lib/debug). Not in a plain `cmake --install`: a Falco host wants it only to debug.
foreach(target IN ITEMS container container-watch)
  get_target_property(debug_tree ${target} LIBCONTAINER_DEBUG_TREE)
  install(DIRECTORY ${debug_tree}/ DESTINATION lib/debug COMPONENT dbgsym EXCLUDE_FROM_ALL)
endforeach()

# falcoctl names its plugin artifacts after `uname -m` (x86_64, aarch64).
set(LIBCONTAINER_TARBALL_ARCH ${CMAKE_SYSTEM_PROCESSOR})
add_custom_target(package-plugin-tarball
  COMMAND ${CMAKE_COMMAND} -DPLUGIN=${LIBCONTAINER_SHIPPED_PLUGIN} -DVERSION=${PROJECT_VERSION}
    -DARCH=${LIBCONTAINER_TARBALL_ARCH} -DOUTPUT_DIR=${CMAKE_BINARY_DIR}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/plugin_tarball.cmake
  BYPRODUCTS ${CMAKE_BINARY_DIR}/container-${PROJECT_VERSION}-linux-${LIBCONTAINER_TARBALL_ARCH}.tar.gz
  COMMENT "falcoctl-style plugin tarball"
  VERBATIM)
add_dependencies(package-plugin-tarball ${LIBCONTAINER_SHIPPED_PLUGIN_TARGET})

# The .debs, one per install component. Named for what it is to a Debian user, a Falco
# plugin: `lib*` names libraries that programs link against (Debian policy 8.1), and
# runc's Go package is also called libcontainer. Only the per-component CPACK_DEBIAN_*
# variables below differ between the two; the rest apply to both.
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL plugin dbgsym)
set(CPACK_PACKAGE_NAME falco-container-plugin)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_NAME ${CPACK_PACKAGE_NAME})
set(CPACK_DEBIAN_DBGSYM_PACKAGE_NAME ${CPACK_PACKAGE_NAME}-dbgsym)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Both packages' Maintainer field (tests/install takes it from here).
set(CPACK_PACKAGE_CONTACT "${LIBCONTAINER_CONTACT}")
# Each description's first line is its summary (no CPACK_PACKAGE_DESCRIPTION_SUMMARY,
# which CPack would put first in both); CPack indents the rest.
set(CPACK_DEBIAN_PLUGIN_DESCRIPTION "container and Kubernetes metadata for Falco (container plugin)
libcontainer.so is Falco's `container` plugin written in C++: it tells
Falco which container and Kubernetes pod each process runs in, from docker,
podman, containerd, CRI-O and the cgroups, and fills the container.*, k8s.*
and proc.is_container_* fields. A drop-in in /etc/falco/config.d loads it.

container-watch runs the same engine watchers without Falco and shows what
they report.")
set(CPACK_DEBIAN_DBGSYM_DESCRIPTION "debug symbols for ${CPACK_PACKAGE_NAME}
The debug info of libcontainer.so and container-watch, in /usr/lib/debug/.build-id
where gdb, elfutils and systemd-coredump find it by the build ID of the
installed files.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_SECTION debug)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the ELF files' NEEDED entries (dpkg-shlibdeps). The debug info is only
# of use with the very files it was split from: the same version, as Debian's -dbgsym.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DBGSYM_PACKAGE_DEPENDS "${CPACK_PACKAGE_NAME} (= ${PROJECT_VERSION})")
# Falco 0.41+ packages bundle the reference plugin at the same two paths. Replaces
# lets this package take those files over, and dpkg then keeps ours when falco is
# upgraded (a file of a package that an installed package replaces is skipped).
set(CPACK_DEBIAN_PLUGIN_PACKAGE_ENHANCES falco)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_REPLACES falco)
# An admin's edits to the drop-in survive upgrades.
set(LIBCONTAINER_DEB_CONFFILES ${CMAKE_BINARY_DIR}/packaging/conffiles)
file(WRITE ${LIBCONTAINER_DEB_CONFFILES} "${LIBCONTAINER_CONFIG_D_INSTALL_DIR}/falco.container_plugin.yaml\n")
set(CPACK_DEBIAN_PLUGIN_PACKAGE_CONTROL_EXTRA ${LIBCONTAINER_DEB_CONFFILES})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

# Tests (label `install`; README: tests). Not in the sanitizer builds, whose .so is
# not what ships. The first two share the build tree's install_manifest.txt, which
# every `cmake --install` and cpack run rewrites: one at a time.
if(LIBCONTAINER_BUILD_TESTS AND NOT LIBCONTAINER_SANITIZE AND NOT LIBCONTAINER_TSAN)
  set(install_tests ${CMAKE_CURRENT_SOURCE_DIR}/tests/install)
  add_test(NAME install_tree COMMAND bash ${install_tests}/install_tree_test.sh ${CMAKE_COMMAND}
    ${CMAKE_BINARY_DIR} ${LIBCONTAINER_SHIPPED_PLUGIN} ${LIBCONTAINER_DROP_IN})
  add_test(NAME install_deb_package COMMAND bash ${install_tests}/deb_package_test.sh ${CMAKE_CPACK_COMMAND}
    ${CMAKE_BINARY_DIR} ${PROJECT_VERSION} ${LIBCONTAINER_SHIPPED_PLUGIN} ${LIBCONTAINER_DROP_IN}
    ${CPACK_PACKAGE_CONTACT})
  add_test(NAME install_plugin_tarball COMMAND bash ${install_tests}/plugin_tarball_test.sh ${CMAKE_COMMAND}
    ${CMAKE_CURRENT_SOURCE_DIR}/cmake/plugin_tarball.cmake ${PROJECT_VERSION} ${LIBCONTAINER_TARBALL_ARCH}
    ${LIBCONTAINER_SHIPPED_PLUGIN})
  set_tests_properties(install_tree install_deb_package install_plugin_tarball PROPERTIES LABELS install TIMEOUT 300)
  set_tests_properties(install_tree install_deb_package PROPERTIES RESOURCE_LOCK libcontainer_install_manifest)

  # The real Falco loading the installed plugin through the installed drop-in
  # (labels install and falco: it needs the Falco the falco tests use).
  if(TARGET falco_tests)
    add_executable(falco_install_tests tests/install/falco_installed_plugin_test.cpp tests/falco/falco_runner.cpp
      tests/engines/real_engines.cpp tests/engines/test_process_util.cpp)
    target_include_directories(falco_install_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tests)
    target_link_libraries(falco_install_tests PRIVATE nlohmann_json::nlohmann_json GTest::gtest GTest::gtest_main
      Threads::Threads)
    # The falco_tests definitions, so that the sources both list compile the same
    # (and come from the compiler cache); the test's own file also learns where to
    # install from.
    get_target_property(falco_test_definitions falco_tests COMPILE_DEFINITIONS)
    target_compile_definitions(falco_install_tests PRIVATE ${falco_test_definitions})
    set_source_files_properties(tests/install/falco_installed_plugin_test.cpp PROPERTIES COMPILE_DEFINITIONS
      "LIBCONTAINER_CMAKE_COMMAND=\"${CMAKE_COMMAND}\";LIBCONTAINER_BUILD_DIR=\"${CMAKE_BINARY_DIR}\"")
    add_dependencies(falco_install_tests container container-watch ${LIBCONTAINER_SHIPPED_PLUGIN_TARGET}
      container-watch_stripped)
    gtest_discover_tests(falco_install_tests DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS "install;falco" RUN_SERIAL TRUE TIMEOUT 300)
  endif()
endif()
