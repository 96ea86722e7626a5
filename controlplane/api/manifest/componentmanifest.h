#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::manifest {

// Which core-module ABI the component implements (wit/README.md).
enum class Abi { Wagi, Keel };
// Which execution tier runs it; Auto prefers AOT when an `aot` object is present.
enum class Tier { Auto, Interp, Aot };
// Host interfaces a component may import (keel:platform/<grant>).
enum class Grant { Log, Kv, Clock, Config };

// The manifest spellings ("wagi", "interp", "kv", ...). Not called toString: Qt Test
// finds toString() by argument-dependent lookup and expects it to return char *.
std::string_view abiName(Abi abi);
std::string_view tierName(Tier tier);
std::string_view grantName(Grant grant);
std::optional<Abi> abiFromString(std::string_view text);
std::optional<Tier> tierFromString(std::string_view text);
std::optional<Grant> grantFromString(std::string_view text);

// One component version as its manifest describes it. Plain data with no agent or Qt
// types, so the agent and the control plane share it.
struct ComponentManifest
{
    struct Limits
    {
        static constexpr std::uint32_t kDefaultMemoryMb = 64;
        static constexpr std::uint32_t kDefaultDeadlineMs = 2000;
        static constexpr std::uint64_t kDefaultMaxResponseBytes = 8u << 20;
        static constexpr std::uint32_t kDefaultMaxTableElements = 65536;
        static constexpr std::uint32_t kDefaultMaxInstances = 4;
        // Upper bounds: a manifest asking for more is refused rather than clamped.
        static constexpr std::uint32_t kMaxMemoryMb = 4096; // all of wasm32's address space
        static constexpr std::uint32_t kMaxDeadlineMs = 60000;
        static constexpr std::uint64_t kMaxResponseBytes = 256u << 20;
        static constexpr std::uint32_t kMaxTableElements = 10'000'000;
        static constexpr std::uint32_t kMaxInstances = 64;

        std::uint32_t memoryMb = kDefaultMemoryMb;
        std::uint32_t deadlineMs = kDefaultDeadlineMs;
        std::uint64_t maxResponseBytes = kDefaultMaxResponseBytes;
        // Tables count against the limits too: a 100M-entry table is ~800 MB.
        std::uint32_t maxTableElements = kDefaultMaxTableElements;
        // The component's memory budget is maxInstances * memoryMb: no more instances
        // live at once (busy or idle); more concurrent requests wait in its queue.
        std::uint32_t maxInstances = kDefaultMaxInstances;

        bool operator==(const Limits &) const = default;
    };

    std::string name;    // served under /<name>/
    std::string version;
    Abi abi = Abi::Wagi;
    std::filesystem::path module;             // absolute
    std::optional<std::filesystem::path> aot; // absolute; built by keel-aot from module
    Tier tier = Tier::Auto;
    std::vector<std::string> dataClasses;
    std::vector<Grant> grants; // in manifest order, without duplicates
    std::map<std::string, std::string> config;
    Limits limits;
    // A path below the component's mount ("/healthz") the agent sends one GET through
    // before it switches traffic to this version; empty: no health check.
    std::string healthPath;
    std::filesystem::path source; // the manifest it came from, as given to the loader

    bool hasGrant(Grant grant) const;
};

} // namespace keel::manifest
