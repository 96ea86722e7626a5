#pragma once

#include "guestmemory.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace keel::agent {

// The two value types host functions exchange with guests (no floats cross the ABIs).
enum class ValType : std::uint8_t { I32, I64 };

// What a host function asks the tier to do after it returns.
struct HostOutcome
{
    enum class Kind : std::uint8_t {
        Continue, // results are set; resume the guest
        Trap,     // stop the guest with message
        Exit      // WASI proc_exit: stop the guest, exitCode is its status
    };
    Kind kind = Kind::Continue;
    int exitCode = 0;
    std::string message;

    static HostOutcome ok() { return {}; }
    static HostOutcome trap(std::string message) { return {Kind::Trap, 0, std::move(message)}; }
    static HostOutcome exit(int code) { return {Kind::Exit, code, {}}; }
};

// A host function written once against GuestMemory: each tier adapts its own calling
// convention to this one. Arguments and results are widened to 64 bits (an i32 sits in
// the low half); results has room for the declared result count.
using HostCallback = std::function<HostOutcome(GuestMemory &memory, const std::uint64_t *args,
                                               std::uint64_t *results)>;

struct HostImport
{
    std::string module; // e.g. "wasi_snapshot_preview1", "keel:platform/kv"
    std::string name;
    std::vector<ValType> params;
    std::vector<ValType> results;
    HostCallback call;
};

// An import a module declares, as the linker sees it.
struct ImportRequest
{
    std::string module;
    std::string name;
    bool isFunction = true; // memories, tables and globals are never provided
    std::vector<ValType> params;
    std::vector<ValType> results;
    bool hasOtherTypes = false; // a parameter or result that is neither i32 nor i64
};

} // namespace keel::agent
