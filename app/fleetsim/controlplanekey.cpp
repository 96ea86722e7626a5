#include "controlplanekey.h"

#include "keel/v1/artifactsignature.h"

#include <sodium.h>

namespace keel::fleetsim {

namespace {

std::string sha256Hex(const std::string &bytes)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool verify(const std::string &key, const std::string &message, const std::string &signature)
{
    return key.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES
           && crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.data()),
                                          reinterpret_cast<const unsigned char *>(message.data()), message.size(),
                                          reinterpret_cast<const unsigned char *>(key.data()))
                  == 0;
}

} // namespace

bool ControlPlaneKey::check(const std::string &key, const std::string &expectedSha256Hex, std::string &problem)
{
    const std::lock_guard lock(m_mutex);
    if (!m_pinned.empty()) {
        if (key == m_pinned)
            return true;
        problem = "the control plane's key changed: sha256 " + sha256Hex(key) + ", pinned " + sha256Hex(m_pinned);
        return false;
    }
    if (key.size() != crypto_sign_PUBLICKEYBYTES) {
        problem = "Welcome carries a control-plane key of " + std::to_string(key.size()) + " bytes, not 32";
        return false;
    }
    if (!expectedSha256Hex.empty() && sha256Hex(key) != expectedSha256Hex) {
        problem = "the control plane's key hashes to " + sha256Hex(key) + ", the join token names " + expectedSha256Hex;
        return false;
    }
    m_pinned = key;
    return true;
}

bool ControlPlaneKey::verifyState(const std::string &node, const std::string &state, const std::string &signature) const
{
    const std::lock_guard lock(m_mutex);
    return verify(m_pinned, v1::stateSignatureMessage(node, state), signature);
}

bool ControlPlaneKey::verifyModule(const std::string &digest, const std::string &signature) const
{
    const std::lock_guard lock(m_mutex);
    return verify(m_pinned, v1::moduleSignatureMessage(digest), signature);
}

} // namespace keel::fleetsim
