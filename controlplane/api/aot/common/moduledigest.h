#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace keel::aot {

// "sha256:<lowercase hex>", the form digests take everywhere in Keel.
std::string moduleDigest(std::span<const uint8_t> bytes);

// The digest of a file's contents, or nullopt (with *error) when it cannot be read.
std::optional<std::string> fileDigest(const std::string &path, std::string *error);

} // namespace keel::aot
