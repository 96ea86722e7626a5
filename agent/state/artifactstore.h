#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace keel::agent {

class ArtifactSource;

// The agent's content-addressed store of verified artifacts: <root>/sha256/<hex>, each
// file written only after its bytes hashed to its name and the control plane's signature
// over that digest verified. Downloads go to <root>/tmp/ first. Not thread-safe: one
// DesiredStateApplier uses it, on its own thread.
class ArtifactStore final
{
public:
    static constexpr std::uint64_t kMaxArtifactBytes = 64ull * 1024 * 1024;
    // Every chunk but the last carries at least this much, and a whole artifact arrives
    // within kMaxFetchTime: bounds what a slow or hostile source can hold up.
    static constexpr std::size_t kMinChunkBytes = 4096;
    static constexpr std::chrono::seconds kMaxFetchTime{600};
    static constexpr std::string_view kDigestPrefix = "sha256:";

    // Why an artifact could not be had; the metric label of each (failureName) is fixed.
    enum class Failure { None, Invalid, Unsigned, Signature, Transport, TooLarge, SizeMismatch, DigestMismatch, Storage };
    static std::string_view failureName(Failure failure);

    struct Expected
    {
        std::string digest;        // "sha256:<hex>"
        std::uint64_t size = 0;    // what the desired state says; the source must agree
        std::string signedMessage; // keel::v1::moduleSignatureMessage / aotSignatureMessage
        std::string signature;     // ed25519 by the control plane over signedMessage
        std::string what;          // "module" or "AOT object", for messages
    };

    explicit ArtifactStore(std::filesystem::path root);

    // "sha256:" followed by exactly 64 lowercase hex digits: the only form that may
    // become a file name.
    static bool isDigest(std::string_view digest);

    std::filesystem::path pathOf(std::string_view digest) const;

    // Makes sure expected is in the store: checks the signature first (it covers the
    // digest, so a mis-signed artifact is never downloaded), then fetches the bytes
    // from source unless they are stored already, bounded by kMaxArtifactBytes and the
    // expected size, and keeps them only when they hash to the digest. None, or the
    // failure with error (a sentence) set.
    Failure ensure(const Expected &expected, std::string_view publicKey, ArtifactSource &source,
                   std::string &error);

    // Removes every stored artifact whose digest is not in keep, and every leftover
    // download.
    void collect(const std::set<std::string> &keep);

private:
    Failure download(const Expected &expected, ArtifactSource &source, std::string &error);

    std::filesystem::path m_root;
};

} // namespace keel::agent
