#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace keel::agent {

// The node's ed25519 key pair. The secret key lives in <data-dir>/identity.key (the
// 64-byte libsodium form, mode 0600); the control plane pins the public key at
// enrollment, so losing the file means enrolling again under a new name or token.
class NodeIdentity final
{
public:
    static constexpr std::size_t kPublicKeySize = 32;
    static constexpr std::size_t kSecretKeySize = 64;
    static constexpr std::size_t kSignatureSize = 64;

    using PublicKey = std::array<std::uint8_t, kPublicKeySize>;
    using Signature = std::array<std::uint8_t, kSignatureSize>;

    // Loads the key from keyFile, or creates it if the file does not exist. On failure
    // returns nothing and sets error to a line naming the file and what to do.
    static std::optional<NodeIdentity> loadOrCreate(const std::filesystem::path &keyFile,
                                                    std::string &error);

    NodeIdentity(const NodeIdentity &other);
    NodeIdentity &operator=(const NodeIdentity &other);
    ~NodeIdentity();

    const PublicKey &publicKey() const { return m_publicKey; }
    Signature sign(std::string_view message) const;

    // The enrollment proof of keel.v1: a signature over
    // "keel.v1 agent proof" || nodeName || nonce, plain concatenation.
    Signature proveChallenge(std::string_view nodeName, std::string_view nonce) const;

private:
    NodeIdentity() = default;

    PublicKey m_publicKey{};
    std::array<std::uint8_t, kSecretKeySize> m_secretKey{};
};

} // namespace keel::agent
