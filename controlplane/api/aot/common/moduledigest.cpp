#include "moduledigest.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace keel::aot {

std::string moduleDigest(std::span<const uint8_t> bytes)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, bytes.data(), bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return std::string("sha256:") + hex;
}

std::optional<std::string> fileDigest(const std::string &path, std::string *error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = "cannot read " + path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char *>(buffer),
                                  static_cast<unsigned long long>(in.gcount()));
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, hash);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return std::string("sha256:") + hex;
}

} // namespace keel::aot
