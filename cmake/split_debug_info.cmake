# cmake -DINPUT=<built ELF> -DOUTPUT=<stripped copy> -DSTRIP=<objcopy strip option>
#       -DDEBUG_TREE=<dir> -DOBJCOPY=<objcopy> -DREADELF=<readelf> -P split_debug_info.cmake
#
# Splits a built ELF file as Debian's dh_strip does:
# - OUTPUT.debug: its debug info alone, sections compressed (zlib, which gdb, elfutils
#   and binutils read), about a third of the uncompressed size;
# - OUTPUT: the file stripped (STRIP: --strip-unneeded for a shared library, --strip-all
#   for a program; .comment goes too) with a .gnu_debuglink naming OUTPUT.debug, so gdb
#   finds the debug info beside it in the build tree;
# - DEBUG_TREE/.build-id/<2 hex>/<rest>.debug: the same debug info where gdb looks it up
#   by build ID under its debug-file-directory (/usr/lib/debug), the layout the
#   -dbgsym package installs. DEBUG_TREE holds that one file: a rebuild with a new build
#   ID leaves no stale one behind.
# Run by the *_stripped targets (CMakeLists.txt: shipped artifacts).
foreach(arg IN ITEMS INPUT OUTPUT STRIP DEBUG_TREE OBJCOPY READELF)
  if(NOT DEFINED ${arg} OR "${${arg}}" STREQUAL "")
    message(FATAL_ERROR "split_debug_info.cmake: -D${arg}=... is required")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status ERROR_VARIABLE error)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "split_debug_info.cmake: `${ARGN}` failed (${status}): ${error}")
  endif()
endfunction()

# The build ID is what ties the stripped file to its debug info (gdb, eu-unstrip,
# debuginfod, systemd-coredump): a file without one could not be matched by the tree.
execute_process(COMMAND ${READELF} -nW ${INPUT} OUTPUT_VARIABLE notes RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR NOT notes MATCHES "Build ID: ([0-9a-f][0-9a-f])([0-9a-f]+)")
  message(FATAL_ERROR "split_debug_info.cmake: ${INPUT} has no build ID note (link with --build-id)")
endif()
set(build_id_file .build-id/${CMAKE_MATCH_1}/${CMAKE_MATCH_2}.debug)

get_filename_component(output_dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${output_dir})
run(${OBJCOPY} --only-keep-debug --compress-debug-sections=zlib ${INPUT} ${OUTPUT}.debug)
run(${OBJCOPY} ${STRIP} --remove-section=.comment --add-gnu-debuglink=${OUTPUT}.debug ${INPUT} ${OUTPUT})

file(REMOVE_RECURSE ${DEBUG_TREE})
get_filename_component(build_id_dir ${DEBUG_TREE}/${build_id_file} DIRECTORY)
file(MAKE_DIRECTORY ${build_id_dir})
file(COPY_FILE ${OUTPUT}.debug ${DEBUG_TREE}/${build_id_file})
# Debug info is read, never run: 0644, as in Debian's -dbgsym packages.
file(CHMOD ${OUTPUT}.debug ${DEBUG_TREE}/${build_id_file} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
