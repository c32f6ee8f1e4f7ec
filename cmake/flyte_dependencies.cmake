# How flyte-execute links its dependencies. A trivial task run is dominated by
# start-up: the dynamic linker relocating every shared library and protobuf
# registering its descriptors. The defaults below are the faster choices
# (measured with scripts/bench.sh; bench/README.md); each is an option so a
# packager can switch back to plain shared libraries.
#
# Targets defined here (used by flyteidl, lib/ and bench/, so that baseline_deps
# links exactly as flyte-execute does):
#   flyte::protobuf  libprotobuf (static or shared)
#   flyte::yaml_cpp  yaml-cpp (static or shared)
#   flyte::logging   spdlog + fmt (header-only or shared)
#   flyte_lean_link  link options for executables (section GC, --as-needed...)
#
# libstdc++ always stays shared: task libraries are dlopened into the same
# process and use the shared one; two copies would split iostreams, locales
# and allocators.

option(FLYTE_STATIC_DEPS
  "Link libprotobuf and yaml-cpp statically (their .a files; no symbol relocations at start-up)" ON)
option(FLYTE_HEADER_ONLY_LOGGING
  "Use spdlog and fmt header-only (no libspdlog.so / libfmt.so to load and relocate)" ON)
option(FLYTE_LEAN_LINK
  "Link executables with -O1, --as-needed, --gc-sections and packed relative relocations" ON)

# ---- protobuf ---------------------------------------------------------------
# FindProtobuf gives protoc, the headers and the version; the static archive is
# looked up here (not with Protobuf_USE_STATIC_LIBS, whose cached .so path of an
# earlier configure would win).
find_package(Protobuf REQUIRED)
add_library(flyte_protobuf INTERFACE)
add_library(flyte::protobuf ALIAS flyte_protobuf)
if(FLYTE_STATIC_DEPS)
  find_library(FLYTE_PROTOBUF_STATIC NAMES libprotobuf.a)
  if(NOT FLYTE_PROTOBUF_STATIC)
    message(FATAL_ERROR "FLYTE_STATIC_DEPS=ON but libprotobuf.a was not found. Install "
      "libprotobuf-dev (it ships the static library) or configure with -DFLYTE_STATIC_DEPS=OFF.")
  endif()
  # Debian's libprotobuf.a is built with zlib (gzip streams). `flyte-execute
  # package` writes its .tgz with protobuf's GzipOutputStream, so zlib is
  # linked: statically (zlib1g-dev ships libz.a; no static initialisers), so
  # that a task's start does not load one more shared library for it.
  find_library(FLYTE_ZLIB_STATIC NAMES libz.a)
  if(FLYTE_ZLIB_STATIC)
    set(_flyte_zlib ${FLYTE_ZLIB_STATIC})
  else()
    find_package(ZLIB REQUIRED)
    set(_flyte_zlib ZLIB::ZLIB)
  endif()
  target_include_directories(flyte_protobuf SYSTEM INTERFACE ${Protobuf_INCLUDE_DIRS})
  target_link_libraries(flyte_protobuf INTERFACE ${FLYTE_PROTOBUF_STATIC} ${_flyte_zlib}
                                                 Threads::Threads)
else()
  target_link_libraries(flyte_protobuf INTERFACE protobuf::libprotobuf Threads::Threads)
endif()

# ---- yaml-cpp ---------------------------------------------------------------
find_package(yaml-cpp REQUIRED)
add_library(flyte_yaml_cpp INTERFACE)
add_library(flyte::yaml_cpp ALIAS flyte_yaml_cpp)
if(FLYTE_STATIC_DEPS)
  find_library(FLYTE_YAML_CPP_STATIC NAMES libyaml-cpp.a)
  if(NOT FLYTE_YAML_CPP_STATIC)
    message(FATAL_ERROR "FLYTE_STATIC_DEPS=ON but libyaml-cpp.a was not found. Install "
      "libyaml-cpp-dev (it ships the static library) or configure with -DFLYTE_STATIC_DEPS=OFF.")
  endif()
  get_target_property(_yaml_includes yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
  if(_yaml_includes)
    target_include_directories(flyte_yaml_cpp SYSTEM INTERFACE ${_yaml_includes})
  endif()
  target_link_libraries(flyte_yaml_cpp INTERFACE ${FLYTE_YAML_CPP_STATIC})
else()
  target_link_libraries(flyte_yaml_cpp INTERFACE yaml-cpp)
endif()

# ---- spdlog + fmt -----------------------------------------------------------
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
add_library(flyte_logging INTERFACE)
add_library(flyte::logging ALIAS flyte_logging)
if(FLYTE_HEADER_ONLY_LOGGING)
  # spdlog::spdlog_header_only links the shared fmt::fmt; pair spdlog's headers
  # with fmt's header-only target instead.
  get_target_property(_spdlog_includes spdlog::spdlog_header_only INTERFACE_INCLUDE_DIRECTORIES)
  if(_spdlog_includes)
    target_include_directories(flyte_logging SYSTEM INTERFACE ${_spdlog_includes})
  endif()
  target_compile_definitions(flyte_logging INTERFACE SPDLOG_FMT_EXTERNAL)
  target_link_libraries(flyte_logging INTERFACE fmt::fmt-header-only Threads::Threads)
else()
  target_link_libraries(flyte_logging INTERFACE spdlog::spdlog fmt::fmt)
endif()

# ---- link options for executables ------------------------------------------
add_library(flyte_lean_link INTERFACE)
if(FLYTE_LEAN_LINK)
  # One section per function / object, so --gc-sections drops what nothing
  # calls (most of the generated protobuf code, for a start).
  add_compile_options(-ffunction-sections -fdata-sections)
  target_link_options(flyte_lean_link INTERFACE -Wl,-O1 -Wl,--as-needed -Wl,--gc-sections)
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" FLYTE_HAVE_PACK_RELATIVE_RELOCS)
  if(FLYTE_HAVE_PACK_RELATIVE_RELOCS)
    target_link_options(flyte_lean_link INTERFACE -Wl,-z,pack-relative-relocs)
  endif()
endif()
