# Generates C++ protobuf + gRPC code from proto/**/*.proto at build time and
# builds it into the static, position-independent library `container_protos`.
#
# Usage (top-level CMakeLists.txt):
#   include(cmake/protos.cmake)
#   target_link_libraries(container_engines PUBLIC container_protos)
# Generated headers are included by their path under proto/, e.g.
#   #include "cri/api.grpc.pb.h"
#   #include "containerd/services/events/v1/events.pb.h"
#
# Sets: LIBCONTAINER_PROTO_DIR (sources), LIBCONTAINER_PROTO_GEN_DIR (output).
# Needs (Debian 12): libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler.

get_filename_component(LIBCONTAINER_PROTO_DIR "${CMAKE_CURRENT_LIST_DIR}/../proto" ABSOLUTE)
set(LIBCONTAINER_PROTO_GEN_DIR "${CMAKE_BINARY_DIR}/generated/proto")

find_package(Protobuf 3.12 REQUIRED)

# Debian ships gRPC's CMake package; fall back to pkg-config where it does not.
find_package(gRPC CONFIG QUIET)
if(gRPC_FOUND AND TARGET gRPC::grpc++)
  set(LIBCONTAINER_GRPCPP_TARGET gRPC::grpc++)
  if(TARGET gRPC::grpc_cpp_plugin)
    get_target_property(LIBCONTAINER_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin IMPORTED_LOCATION_NONE)
    if(NOT LIBCONTAINER_GRPC_CPP_PLUGIN)
      get_target_property(LIBCONTAINER_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)
    endif()
  endif()
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBCONTAINER_GRPCPP REQUIRED IMPORTED_TARGET grpc++)
  set(LIBCONTAINER_GRPCPP_TARGET PkgConfig::LIBCONTAINER_GRPCPP)
endif()
if(NOT LIBCONTAINER_GRPC_CPP_PLUGIN OR NOT EXISTS "${LIBCONTAINER_GRPC_CPP_PLUGIN}")
  find_program(LIBCONTAINER_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
endif()
if(NOT Protobuf_PROTOC_EXECUTABLE)
  find_program(Protobuf_PROTOC_EXECUTABLE protoc REQUIRED)
endif()

file(GLOB_RECURSE LIBCONTAINER_PROTO_FILES CONFIGURE_DEPENDS "${LIBCONTAINER_PROTO_DIR}/*.proto")

set(LIBCONTAINER_PROTO_SOURCES "")
set(LIBCONTAINER_PROTO_HEADERS "")
foreach(proto ${LIBCONTAINER_PROTO_FILES})
  file(RELATIVE_PATH rel "${LIBCONTAINER_PROTO_DIR}" "${proto}")
  string(REGEX REPLACE "\\.proto$" "" stem "${rel}")
  set(outputs
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.pb.cc"
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.pb.h"
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.grpc.pb.cc"
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.grpc.pb.h")
  # A proto's imports are regenerated with it only if they are listed, so every
  # proto file is a dependency of every output (there are only a handful).
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${LIBCONTAINER_PROTO_GEN_DIR}"
    COMMAND ${Protobuf_PROTOC_EXECUTABLE}
      --proto_path=${LIBCONTAINER_PROTO_DIR}
      --cpp_out=${LIBCONTAINER_PROTO_GEN_DIR}
      --grpc_out=${LIBCONTAINER_PROTO_GEN_DIR}
      --plugin=protoc-gen-grpc=${LIBCONTAINER_GRPC_CPP_PLUGIN}
      "${proto}"
    DEPENDS ${LIBCONTAINER_PROTO_FILES}
    COMMENT "protoc ${rel}"
    VERBATIM)
  list(APPEND LIBCONTAINER_PROTO_SOURCES
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.pb.cc" "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.grpc.pb.cc")
  list(APPEND LIBCONTAINER_PROTO_HEADERS
    "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.pb.h" "${LIBCONTAINER_PROTO_GEN_DIR}/${stem}.grpc.pb.h")
endforeach()

add_library(container_protos STATIC ${LIBCONTAINER_PROTO_SOURCES} ${LIBCONTAINER_PROTO_HEADERS})
set_target_properties(container_protos PROPERTIES POSITION_INDEPENDENT_CODE ON)
# SYSTEM: warnings from generated headers are not ours to fix.
target_include_directories(container_protos SYSTEM PUBLIC "${LIBCONTAINER_PROTO_GEN_DIR}")
# The release build links gRPC, protobuf and abseil statically (self_contained_rpc.cmake); the
# sanitizer and fuzz builds link Debian's shared libraries.
if(LIBCONTAINER_SELF_CONTAINED)
  include(${CMAKE_CURRENT_LIST_DIR}/self_contained_rpc.cmake)
  target_link_libraries(container_protos PUBLIC container_rpc_static)
else()
  target_link_libraries(container_protos PUBLIC protobuf::libprotobuf ${LIBCONTAINER_GRPCPP_TARGET})
endif()
target_compile_options(container_protos PRIVATE -w)
# CRI has fields named `linux`, which GNU dialects (-std=gnu++20) predefine as
# a macro; undefine it for the generated code and everything including it.
target_compile_options(container_protos PUBLIC -Ulinux)
# Generated code is not ours to fix: -w above, and -Werror off even where the
# build makes warnings errors (CI presets set CMAKE_COMPILE_WARNING_AS_ERROR).
set_target_properties(container_protos PROPERTIES COMPILE_WARNING_AS_ERROR OFF)
