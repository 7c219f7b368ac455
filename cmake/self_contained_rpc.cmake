# gRPC, protobuf and abseil as static, position-independent archives, for the release build:
# the target `container_rpc_static` links them (container_protos uses it there, see protos.cmake).
#
# Why static: Falco users copy libcontainer.so into images (Falco's is debian:12-slim) that have
# none of these libraries, so the .so must need nothing but glibc; and its protobuf must keep its
# own descriptor pool, hidden in the .so, so that a host process with its own protobuf and the
# same .proto files does not abort with "File already exists in database".
#
# Why some are rebuilt here: Debian ships static archives of all of them, but only gRPC's (with
# c-ares, upb, address_sorting and zlib) are position-independent. libprotobuf.a and the
# libabsl_*.a are compiled as PIE code, whose thread_local variables use the local-exec TLS model
# (R_X86_64_TPOFF32 relocations), which a shared object cannot hold: the link fails with
# "relocation R_X86_64_TPOFF32 against ... can not be used when making a shared object". Debian
# has no PIC build of them, so we compile them here the way Debian does, plus -fPIC, from
# Debian's own source packages at exactly the installed versions (scripts/fetch-debian-sources
# unpacks them; install-deps runs it), so the headers everything compiles against and the code
# linked are the same. About 200 files, once per build tree; ccache makes later builds cheap.
#
# gRPC comes as its *_unsecure archives: the engines speak to unix sockets only, and these need
# no OpenSSL.
include(ExternalProject)

set(LIBCONTAINER_DEBIAN_SOURCES "$ENV{LIBCONTAINER_DEBIAN_SOURCES}" CACHE PATH
  "Unpacked Debian sources of protobuf and abseil (scripts/fetch-debian-sources); the environment variable overrides it")
if(NOT LIBCONTAINER_DEBIAN_SOURCES)
  set(LIBCONTAINER_DEBIAN_SOURCES /var/cache/libcontainer-ci/debian-src)
endif()
foreach(package_folder IN ITEMS libprotobuf-dev:protobuf libabsl-dev:abseil)
  string(REPLACE ":" ";" package_folder "${package_folder}")
  list(GET package_folder 0 package)
  list(GET package_folder 1 folder)
  execute_process(COMMAND dpkg-query -W -f=\${Version} ${package} OUTPUT_VARIABLE installed_version
    RESULT_VARIABLE rc)
  set(stamp "${LIBCONTAINER_DEBIAN_SOURCES}/${folder}/.debian-version")
  set(unpacked_version "")
  if(EXISTS "${stamp}")
    file(STRINGS "${stamp}" unpacked_version LIMIT_COUNT 1)
  endif()
  if(NOT rc EQUAL 0 OR NOT unpacked_version STREQUAL installed_version)
    message(FATAL_ERROR "${LIBCONTAINER_DEBIAN_SOURCES}/${folder} does not hold the source of the installed "
      "${package} ${installed_version} (found '${unpacked_version}'): run scripts/fetch-debian-sources")
  endif()
  # A build tree per version: another version never mixes with objects of the last one.
  set(pic_${folder}_prefix "${CMAKE_BINARY_DIR}/pic-deps/${folder}-${installed_version}")
endforeach()

set(pic_cmake_args
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER} -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
  # Debian's optimisation and no debug info, as in its archives, and NDEBUG as in any release
  # build: without it abseil's mutexes (gRPC's too) run deadlock detection on every lock, which cost
  # the listing of 10,000 CRI containers a few percent of its CPU, and abort the process (Falco)
  # on a lock-order cycle.
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_LIBDIR=lib)

# The same archive names as Debian's libabsl-dev (one per abseil component).
file(GLOB debian_absl_archives /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libabsl_*.a)
set(pic_absl_archives "")
foreach(archive IN LISTS debian_absl_archives)
  get_filename_component(name "${archive}" NAME)
  list(APPEND pic_absl_archives "${pic_abseil_prefix}/install/lib/${name}")
endforeach()
ExternalProject_Add(pic_abseil
  SOURCE_DIR "${LIBCONTAINER_DEBIAN_SOURCES}/abseil"
  PREFIX "${pic_abseil_prefix}"
  # As Debian's debian/rules configures it.
  CMAKE_ARGS ${pic_cmake_args} -DCMAKE_INSTALL_PREFIX=${pic_abseil_prefix}/install
    -DCMAKE_CXX_STANDARD=17 -DABSL_PROPAGATE_CXX_STD=ON -DBUILD_TESTING=OFF
  BUILD_BYPRODUCTS ${pic_absl_archives}
  # Ninja's console pool: one of the two builds at a time, each parallel inside.
  USES_TERMINAL_BUILD ON
  LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)

# Only the runtime library: protoc and its library come from Debian's protobuf-compiler.
set(pic_protobuf_archive "${pic_protobuf_prefix}/src/pic_protobuf-build/libprotobuf.a")
ExternalProject_Add(pic_protobuf
  SOURCE_DIR "${LIBCONTAINER_DEBIAN_SOURCES}/protobuf"
  PREFIX "${pic_protobuf_prefix}"
  CMAKE_ARGS ${pic_cmake_args} -Dprotobuf_BUILD_TESTS=OFF -Dprotobuf_BUILD_PROTOC_BINARIES=OFF
    -Dprotobuf_BUILD_SHARED_LIBS=OFF -Dprotobuf_WITH_ZLIB=ON
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target libprotobuf
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS "${pic_protobuf_archive}"
  USES_TERMINAL_BUILD ON
  LOG_CONFIGURE ON LOG_BUILD ON LOG_OUTPUT_ON_FAILURE ON)

# Debian's position-independent archives.
set(debian_pic_archives "")
foreach(name IN ITEMS grpc++_unsecure grpc_unsecure gpr upb address_sorting cares z)
  string(MAKE_C_IDENTIFIER "${name}" var)
  find_library(LIBCONTAINER_STATIC_${var} NAMES lib${name}.a REQUIRED)
  list(APPEND debian_pic_archives "${LIBCONTAINER_STATIC_${var}}")
endforeach()

add_library(container_rpc_static INTERFACE)
# One group, rescanned: the archives refer to each other in every direction.
list(JOIN debian_pic_archives "," group)
list(JOIN pic_absl_archives "," absl_group)
target_link_libraries(container_rpc_static INTERFACE
  "$<LINK_GROUP:RESCAN,${group},${pic_protobuf_archive},${absl_group}>" Threads::Threads ${CMAKE_DL_LIBS} m)
add_dependencies(container_rpc_static pic_abseil pic_protobuf)
