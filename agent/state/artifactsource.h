#pragma once

#include "control/controlmessages.h"

#include <cstdint>
#include <string>

namespace keel::agent {

// Where the agent gets the artifacts (modules, AOT objects) a desired state names, one
// piece at a time, whatever the transport: the control channel asks the control plane
// (FetchArtifact -> ArtifactChunk), DirectoryArtifactSource reads files (air-gapped
// sites, tests). Everything a source returns is untrusted: ArtifactStore checks offsets,
// sizes, the digest and the signature.
class ArtifactSource
{
public:
    virtual ~ArtifactSource() = default;

    // The piece of digest's bytes that starts at offset. Blocks; called on the thread
    // that applies desired states, never on the io thread. false with error (a sentence)
    // when the piece cannot be had.
    virtual bool fetch(const std::string &digest, std::uint64_t offset, ArtifactChunk &chunk,
                       std::string &error) = 0;
};

} // namespace keel::agent
