#include "moduledigest.h"

// OpenSSL's SHA-256 runs on the CPU's SHA extensions where it has them, seven times
// libsodium's portable code here; every component's module is hashed when an agent
// starts, so this is on the cold-start path. The low-level interface, deprecated in
// OpenSSL 3 in favour of EVP, is used on purpose: EVP's first use loads OpenSSL's
// configuration and provider tables, which costs an agent start more than the hashing.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace keel::aot {

std::string moduleDigest(std::span<const uint8_t> bytes)
{
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256_CTX state; // not SHA256(): in OpenSSL 3 that one goes through EVP
    SHA256_Init(&state);
    SHA256_Update(&state, bytes.data(), bytes.size());
    SHA256_Final(hash, &state);
    char hex[SHA256_DIGEST_LENGTH * 2 + 1];
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
    SHA256_CTX state;
    SHA256_Init(&state);
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        SHA256_Update(&state, buffer, static_cast<std::size_t>(in.gcount()));
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256_Final(hash, &state);
    char hex[SHA256_DIGEST_LENGTH * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return std::string("sha256:") + hex;
}

} // namespace keel::aot
