# Building WebAssembly guest components with Debian's clang-14 + wasi-libc.
#
# The guests are compiled by add_custom_command rather than by a second CMake
# project or a switched CMAKE_C_COMPILER: the host build stays one configure, and a
# component is just another build output (a .wasm plus its manifest).
#
#   keel_add_wasm_component(<name>
#       ABI wagi|keel            wagi: a WASI command (_start), CGI over stdio
#                                keel: a WASI reactor implementing the keel:edge handler
#       SOURCES <file.c|file.wat>...
#       [MANIFEST <file.yaml>]   copied next to the .wasm as <name>.yaml
#       [OUTPUT_DIR <dir>]       default ${CMAKE_BINARY_DIR}/components
#       [RAW]                    keel ABI only: the sources define keel_alloc/keel_free/
#                                keel_handle themselves (no guest library linked)
#       [INVALID]                a .wat that is meant not to validate: compiled with
#                                wat2wasm --no-check and never run through wasm-validate
#       [COMPILE_OPTIONS <opt>...] [LINK_OPTIONS <opt>...])
#
# Produces <OUTPUT_DIR>/<name>.wasm, validated with wasm-validate before it lands there,
# and a target component_<name> that the aggregate target keel_components depends on.

include_guard(GLOBAL)

set(KEEL_GUEST_DIR ${CMAKE_CURRENT_LIST_DIR}/guest CACHE INTERNAL
    "Keel guest library (keel_guest.h/.c) for Keel handler components")

find_program(KEEL_WASM_CLANG NAMES clang-14 DOC "clang able to target wasm32-wasi")
if(NOT KEEL_WASM_CLANG)
  message(FATAL_ERROR "clang-14 not found: it builds the WebAssembly components. "
                      "Install the Debian package clang-14.")
endif()
find_program(KEEL_WASM_LD NAMES wasm-ld-14 wasm-ld DOC "the WebAssembly linker clang-14 calls")
if(NOT KEEL_WASM_LD)
  message(FATAL_ERROR "wasm-ld-14 not found: clang-14 links WebAssembly with it. "
                      "Install the Debian package lld-14.")
endif()
find_program(KEEL_WASM_VALIDATE NAMES wasm-validate DOC "WABT's validator")
find_program(KEEL_WAT2WASM NAMES wat2wasm DOC "WABT's text-to-binary assembler")
if(NOT KEEL_WASM_VALIDATE OR NOT KEEL_WAT2WASM)
  message(FATAL_ERROR "wasm-validate/wat2wasm not found: every component is validated "
                      "at build time. Install the Debian package wabt.")
endif()

# Debian's clang-14 finds wasi-libc through its multiarch layout (/usr/include/wasm32-wasi,
# /usr/lib/wasm32-wasi), so no --sysroot is needed. Point this at another sysroot (e.g. a
# wasi-sdk) to build against that instead.
set(KEEL_WASI_SYSROOT "" CACHE PATH "wasi-libc sysroot; empty uses clang-14's default (Debian's wasi-libc)")
if(KEEL_WASI_SYSROOT)
  set(_keel_sysroot_flag --sysroot=${KEEL_WASI_SYSROOT})
  set(_keel_libc ${KEEL_WASI_SYSROOT}/lib/wasm32-wasi/libc.a)
else()
  set(_keel_sysroot_flag "")
  set(_keel_libc /usr/lib/wasm32-wasi/libc.a)
endif()
if(NOT EXISTS ${_keel_libc})
  message(FATAL_ERROR "${_keel_libc} not found: the components link against wasi-libc. "
                      "Install the Debian package wasi-libc (or set KEEL_WASI_SYSROOT).")
endif()
execute_process(COMMAND ${KEEL_WASM_CLANG} --target=wasm32-wasi -print-libgcc-file-name
                OUTPUT_VARIABLE _keel_builtins OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS "${_keel_builtins}")
  message(FATAL_ERROR "${_keel_builtins} not found: clang-14 needs compiler-rt's "
                      "wasm32 builtins to link. Install the Debian package libclang-rt-14-dev-wasm32.")
endif()

# -g0/--strip-debug keep DWARF (ours and wasi-libc's) out of the modules; --stack-first
# puts the shadow stack below the static data, so an overflow runs below address 0 and
# traps instead of silently overwriting data. CACHE INTERNAL because include_guard runs
# this file once and tests/components does not inherit resources/' variables.
set(KEEL_WASM_CFLAGS --target=wasm32-wasi ${_keel_sysroot_flag} -O2 -g0 -std=c11
    -Wall -Wextra -Wno-unused-parameter CACHE INTERNAL "clang flags for wasm32-wasi guests")
set(KEEL_WASM_LDFLAGS -Wl,--stack-first -Wl,--strip-debug CACHE INTERNAL
    "link flags for wasm32-wasi guests")

if(NOT TARGET keel_components)
  add_custom_target(keel_components ALL COMMENT "WebAssembly components")
endif()

function(keel_add_wasm_component name)
  cmake_parse_arguments(C "RAW;INVALID" "ABI;MANIFEST;OUTPUT_DIR"
                        "SOURCES;COMPILE_OPTIONS;LINK_OPTIONS" ${ARGN})
  if(NOT C_ABI STREQUAL "wagi" AND NOT C_ABI STREQUAL "keel")
    message(FATAL_ERROR "keel_add_wasm_component(${name}): ABI must be wagi or keel, not '${C_ABI}'")
  endif()
  if(NOT C_SOURCES)
    message(FATAL_ERROR "keel_add_wasm_component(${name}): no SOURCES")
  endif()
  if(NOT C_OUTPUT_DIR)
    set(C_OUTPUT_DIR ${CMAKE_BINARY_DIR}/components)
  endif()
  set(wasm ${C_OUTPUT_DIR}/${name}.wasm)
  # Under CMakeFiles/ so OUTPUT_DIR may be this binary dir and still hold only modules
  # and manifests.
  set(objdir ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${name}.wasm.dir)
  set(outputs ${wasm})

  list(GET C_SOURCES 0 first)
  if(first MATCHES "\\.wat$")
    _keel_wasm_from_wat(${name} "${C_SOURCES}" ${wasm} ${C_INVALID})
  else()
    _keel_wasm_from_c(${name} "${C_SOURCES}" ${wasm} ${objdir} ${C_ABI} "${C_RAW}"
                      "${C_COMPILE_OPTIONS}" "${C_LINK_OPTIONS}")
  endif()

  if(C_MANIFEST)
    get_filename_component(manifest ${C_MANIFEST} ABSOLUTE)
    add_custom_command(OUTPUT ${C_OUTPUT_DIR}/${name}.yaml
      COMMAND ${CMAKE_COMMAND} -E copy ${manifest} ${C_OUTPUT_DIR}/${name}.yaml
      DEPENDS ${manifest}
      COMMENT "Copying manifest ${name}.yaml"
      VERBATIM)
    list(APPEND outputs ${C_OUTPUT_DIR}/${name}.yaml)
  endif()

  add_custom_target(component_${name} ALL DEPENDS ${outputs})
  add_dependencies(keel_components component_${name})
endfunction()

# One object per source (with a depfile, so header edits rebuild), then one link that
# writes a temporary file: only a module that wasm-validate accepts becomes <name>.wasm.
function(_keel_wasm_from_c name sources wasm objdir abi raw cflags ldflags)
  set(flags ${KEEL_WASM_CFLAGS} ${cflags})
  set(link_flags ${KEEL_WASM_LDFLAGS} ${ldflags})
  if(abi STREQUAL "keel")
    list(APPEND flags -I${KEEL_GUEST_DIR})
    list(APPEND link_flags -mexec-model=reactor)
    if(NOT raw)
      list(APPEND sources ${KEEL_GUEST_DIR}/keel_guest.c)
    endif()
  endif()

  set(objects "")
  foreach(src IN LISTS sources)
    get_filename_component(src ${src} ABSOLUTE)
    get_filename_component(base ${src} NAME_WE)
    set(obj ${objdir}/${base}.o)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${objdir}
      COMMAND ${KEEL_WASM_CLANG} ${flags} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "Compiling ${base}.c for wasm32-wasi (${name})"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()

  get_filename_component(outdir ${wasm} DIRECTORY)
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${KEEL_WASM_CLANG} ${KEEL_WASM_CFLAGS} ${link_flags} ${objects} -o ${objdir}/${name}.wasm
    COMMAND ${KEEL_WASM_VALIDATE} ${objdir}/${name}.wasm
    COMMAND ${CMAKE_COMMAND} -E copy ${objdir}/${name}.wasm ${wasm}
    DEPENDS ${objects}
    COMMENT "Linking and validating ${name}.wasm (${abi})"
    VERBATIM)
endfunction()

function(_keel_wasm_from_wat name sources wasm invalid)
  list(LENGTH sources count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "keel_add_wasm_component(${name}): a .wat component has exactly one source")
  endif()
  get_filename_component(src ${sources} ABSOLUTE)
  get_filename_component(outdir ${wasm} DIRECTORY)
  file(MAKE_DIRECTORY ${outdir})
  if(invalid)
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${KEEL_WAT2WASM} --no-check ${src} -o ${wasm}
      DEPENDS ${src}
      COMMENT "Assembling ${name}.wasm without validation (meant to be invalid)"
      VERBATIM)
  else()
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${KEEL_WAT2WASM} ${src} -o ${wasm}
      COMMAND ${KEEL_WASM_VALIDATE} ${wasm}
      DEPENDS ${src}
      COMMENT "Assembling and validating ${name}.wasm"
      VERBATIM)
  endif()
endfunction()
