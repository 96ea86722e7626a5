#pragma once

#include <mutex>
#include <string>

namespace keel::fleetsim {

// The control plane's public key as the agents pin it: the first Welcome's, checked
// against the fingerprint every join token carries (".<sha256 hex>"), then compared on
// every later Welcome. Desired states are verified with it, as a real agent does.
class ControlPlaneKey final
{
public:
    // False with `problem` set when `key` is not the pinned one (or, before anything is
    // pinned, when it does not hash to `expectedSha256Hex`, if that is given).
    bool check(const std::string &key, const std::string &expectedSha256Hex, std::string &problem);
    // ed25519 over keel::v1::stateSignatureMessage(node, state) by the pinned key.
    bool verifyState(const std::string &node, const std::string &state, const std::string &signature) const;
    bool verifyModule(const std::string &digest, const std::string &signature) const;

private:
    mutable std::mutex m_mutex;
    std::string m_pinned;
};

} // namespace keel::fleetsim
