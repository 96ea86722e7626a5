#include "controlplanekey.h"

#include "state/atomicfile.h"

#include <sodium.h>

namespace keel::agent {

ControlPlaneKey::ControlPlaneKey(std::filesystem::path file, std::string expectedSha256, bool once)
    : m_file(std::move(file))
    , m_expected(std::move(expectedSha256))
    , m_once(once)
{
}

std::string ControlPlaneKey::fingerprint(std::string_view key)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char *>(key.data()), key.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return "sha256:" + std::string(hex);
}

ControlPlaneKey::Check ControlPlaneKey::check(std::string_view presented)
{
    if (presented.size() != kKeySize)
        return {Outcome::Failed, "the control plane presented no ed25519 key (" + std::to_string(presented.size())
                                     + " bytes): it cannot sign artifacts, so no desired state is applied"};
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(m_file, ec);
    const bool firstContact = status.type() == std::filesystem::file_type::not_found;
    if (!m_expected.empty() && (firstContact || !m_once) && fingerprint(presented) != m_expected)
        return {Outcome::Refused, "the control plane presented the key " + fingerprint(presented) + ", not the expected "
                                      + m_expected + (m_once ? " (from the join token)" : " (--controlplane-key-sha256)")
                                      + ": refusing it, nothing pinned; check --controlplane, or create the join token "
                                        "on the control plane this node should join"};
    std::string problem;
    if (firstContact) {
        if (!AtomicFile::write(m_file, presented, 0600, problem))
            return {Outcome::Failed, "control-plane key: " + m_file.string() + ": cannot pin it (" + problem
                                         + "): make the data dir writable by the agent"};
        return {Outcome::Pinned, "pinned the control plane's key " + fingerprint(presented) + " in "
                                     + m_file.string()};
    }
    std::string pinned;
    if (!AtomicFile::read(m_file, 4096, pinned, problem) || pinned.size() != kKeySize)
        return {Outcome::Failed, "control-plane key: " + m_file.string() + ": unreadable or not "
                                     + std::to_string(kKeySize) + " bytes (" + (problem.empty() ? "damaged" : problem)
                                     + "): delete it to pin the key of the next control plane that answers"};
    if (sodium_memcmp(pinned.data(), presented.data(), kKeySize) != 0)
        return {Outcome::Mismatch, "the control plane presented the key " + fingerprint(presented)
                                       + " but this node pinned " + fingerprint(pinned) + " in " + m_file.string()
                                       + ": refusing its desired state; if the control plane's key was "
                                         "replaced on purpose, stop the agent, delete that file and start it again"};
    return {Outcome::Matches, {}};
}

bool ControlPlaneKey::verify(std::string_view publicKey, std::string_view message, std::string_view signature)
{
    return publicKey.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES
           && crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.data()),
                                          reinterpret_cast<const unsigned char *>(message.data()), message.size(),
                                          reinterpret_cast<const unsigned char *>(publicKey.data()))
                  == 0;
}

} // namespace keel::agent
