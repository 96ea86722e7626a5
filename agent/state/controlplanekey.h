#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace keel::agent {

// The control plane's ed25519 public key, pinned on first use: the first Welcome's key
// is written to <data-dir>/controlplane.pub (32 raw bytes, mode 0600, atomically); every
// later Welcome must present the same key, or the agent applies no desired state from
// that control plane (its artifacts would verify against a key the node never trusted).
// To trust a new key (the control plane's signing.key was replaced), stop the agent,
// delete the file and start it again. First contact is verified when the operator says
// which key to expect (the fingerprint in the join token, or --controlplane-key-sha256,
// like kubeadm's discovery hash): another key is refused before anything is pinned.
class ControlPlaneKey final
{
public:
    // Whether `signature` is the ed25519 signature of `message` by `publicKey`.
    static bool verify(std::string_view publicKey, std::string_view message, std::string_view signature);

    static constexpr std::size_t kKeySize = 32;

    enum class Outcome {
        Pinned,   // first use: the key is now pinned
        Matches,  // the pinned key
        Mismatch, // another key than the pinned one: refuse desired state
        Failed,   // malformed key, or the file cannot be read or written
        Refused,  // not the key the operator said to expect: nothing pinned, stop
    };

    struct Check
    {
        Outcome outcome = Outcome::Failed;
        std::string message; // for the log: what happened, with fingerprints and what to do
    };

    // expectedSha256: "sha256:<hex>" the presented key must have; empty: trust on first
    // use. `once`: only while nothing is pinned (the fingerprint a join token carried: a
    // key replaced on purpose later is re-pinned as the class comment says); otherwise on
    // every Welcome (the operator's --controlplane-key-sha256).
    explicit ControlPlaneKey(std::filesystem::path file, std::string expectedSha256 = {}, bool once = false);

    Check check(std::string_view presented);

    const std::filesystem::path &file() const { return m_file; }

    // "sha256:<hex>" of the raw key: what logs and operators compare.
    static std::string fingerprint(std::string_view key);

private:
    std::filesystem::path m_file;
    std::string m_expected;
    bool m_once = false;
};

} // namespace keel::agent
