#pragma once

#include "state/artifactsource.h"

#include <cstddef>
#include <filesystem>

namespace keel::agent {

// Artifacts from a directory laid out like the control plane's blob store and the
// agent's own: <dir>/sha256/<hex>. For sites without a link to the control plane (the
// files travel on other media) and for tests. Serves chunkBytes per piece.
class DirectoryArtifactSource final : public ArtifactSource
{
public:
    static constexpr std::size_t kDefaultChunkBytes = 1024 * 1024;

    explicit DirectoryArtifactSource(std::filesystem::path dir, std::size_t chunkBytes = kDefaultChunkBytes);

    bool fetch(const std::string &digest, std::uint64_t offset, ArtifactChunk &chunk,
               std::string &error) override;

    // Pieces served so far (tests check that big artifacts come in several).
    std::size_t chunksServed() const { return m_chunksServed; }

private:
    std::filesystem::path m_dir;
    std::size_t m_chunkBytes;
    std::size_t m_chunksServed = 0;
};

} // namespace keel::agent
