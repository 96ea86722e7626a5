#include "directoryartifactsource.h"

#include "state/artifactstore.h"

#include <fstream>

namespace keel::agent {

DirectoryArtifactSource::DirectoryArtifactSource(std::filesystem::path dir, std::size_t chunkBytes)
    : m_dir(std::move(dir))
    , m_chunkBytes(chunkBytes ? chunkBytes : kDefaultChunkBytes)
{
}

bool DirectoryArtifactSource::fetch(const std::string &digest, std::uint64_t offset, ArtifactChunk &chunk,
                                    std::string &error)
{
    // The digest becomes a file name: only the exact form may.
    if (!ArtifactStore::isDigest(digest)) {
        error = "'" + digest + "' is not a sha256:<hex> digest";
        return false;
    }
    const auto file = m_dir / "sha256" / digest.substr(ArtifactStore::kDigestPrefix.size());
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        error = file.string() + ": " + ec.message();
        return false;
    }
    if (offset > size) {
        error = file.string() + ": offset " + std::to_string(offset) + " is past its end";
        return false;
    }
    std::ifstream in(file, std::ios::binary);
    in.seekg(std::streamoff(offset));
    chunk.digest = digest;
    chunk.offset = offset;
    chunk.totalSize = size;
    chunk.data.resize(std::size_t(std::min<std::uint64_t>(m_chunkBytes, size - offset)));
    if (!in.read(chunk.data.data(), std::streamsize(chunk.data.size()))) {
        error = file.string() + ": cannot read";
        return false;
    }
    chunk.last = offset + chunk.data.size() == size;
    ++m_chunksServed;
    return true;
}

} // namespace keel::agent
