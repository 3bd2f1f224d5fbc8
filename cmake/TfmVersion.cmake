# tfm/Version.h: the version and git commit that `tfmc --version` and every
# compiled executable's `--version` print. Included by the top-level build
# and by the runtime's standalone build; defines the interface target
# `tfm_version`, which puts ${CMAKE_BINARY_DIR}/include on the include path.
include_guard(GLOBAL)

# The one place where tfmc's version number is written down.
set(TFM_VERSION "0.1.0")

set(TFM_VERSION_HEADER ${CMAKE_BINARY_DIR}/include/tfm/Version.h)
find_package(Git QUIET)
set(TFM_WRITE_VERSION
  ${CMAKE_COMMAND}
    -DTFM_VERSION=${TFM_VERSION}
    -DGIT_EXECUTABLE=${GIT_EXECUTABLE}
    -DSOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/..
    -DOUTPUT=${TFM_VERSION_HEADER}
    -P ${CMAKE_CURRENT_LIST_DIR}/TfmWriteVersion.cmake)

# Written at configure time so that the header exists from the start, and
# again at every build, so that the commit follows HEAD; the script only
# rewrites the header when its text changes, so nothing recompiles
# otherwise.
execute_process(COMMAND ${TFM_WRITE_VERSION})
add_custom_target(tfm_version_header
  COMMAND ${TFM_WRITE_VERSION}
  BYPRODUCTS ${TFM_VERSION_HEADER}
  COMMENT "Checking the git commit for tfm/Version.h"
  VERBATIM)

add_library(tfm_version INTERFACE)
target_include_directories(tfm_version INTERFACE
  $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/include>)
add_dependencies(tfm_version tfm_version_header)
