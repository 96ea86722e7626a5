#pragma once

#include <string_view>

namespace keel::agent {

// The triple the control plane builds AOT objects for, fixed when the agent is compiled.
inline constexpr std::string_view kTargetTriple =
#if defined(__x86_64__)
    "x86_64"
#elif defined(__aarch64__)
    "aarch64"
#elif defined(__riscv) && __riscv_xlen == 64
    "riscv64"
#elif defined(__arm__)
    "arm"
#else
#error "keel-agent: unknown CPU architecture; add it to targettriple.h"
#endif
    "-linux-"
#if !defined(__linux__)
#error "keel-agent runs on Linux only"
#elif defined(__GLIBC__)
    "gnu";
#else
    "musl"; // the only other libc the agent is built against
#endif

} // namespace keel::agent
