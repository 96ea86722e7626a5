#include "artifactstore.h"

#include "atomicfile.h"
#include "controlplanekey.h"

#include <chrono>

#include "state/artifactsource.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <fcntl.h>
#include <unistd.h>

namespace keel::agent {

namespace {

std::string hexDigest(crypto_hash_sha256_state &state)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, hash);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

// Removes the temporary download unless released.
struct TemporaryFile
{
    std::filesystem::path path;
    int fd = -1;
    ~TemporaryFile()
    {
        if (fd >= 0)
            ::close(fd);
        if (!path.empty())
            ::unlink(path.c_str());
    }
};

} // namespace

std::string_view ArtifactStore::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None: return "none";
    case Failure::Invalid: return "invalid";
    case Failure::Unsigned: return "unsigned";
    case Failure::Signature: return "bad_signature";
    case Failure::Transport: return "transport";
    case Failure::TooLarge: return "too_large";
    case Failure::SizeMismatch: return "size_mismatch";
    case Failure::DigestMismatch: return "digest_mismatch";
    case Failure::Storage: return "storage";
    }
    return "none";
}

ArtifactStore::ArtifactStore(std::filesystem::path root)
    : m_root(std::move(root))
{
}

bool ArtifactStore::isDigest(std::string_view digest)
{
    if (digest.size() != kDigestPrefix.size() + 64 || !digest.starts_with(kDigestPrefix))
        return false;
    for (const char c : digest.substr(kDigestPrefix.size())) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

std::filesystem::path ArtifactStore::pathOf(std::string_view digest) const
{
    return m_root / "sha256" / std::string(digest.substr(kDigestPrefix.size()));
}

ArtifactStore::Failure ArtifactStore::ensure(const Expected &expected, std::string_view publicKey,
                                             ArtifactSource &source, std::string &error)
{
    const std::string what = expected.what + " " + expected.digest;
    if (!isDigest(expected.digest)) {
        error = expected.what + " digest '" + expected.digest + "' is not sha256:<64 lowercase hex digits>";
        return Failure::Invalid;
    }
    if (expected.size > kMaxArtifactBytes) {
        error = what + " has " + std::to_string(expected.size) + " bytes, over the agent's limit of "
                + std::to_string(kMaxArtifactBytes);
        return Failure::TooLarge;
    }
    if (expected.signature.empty()) {
        error = what + " is not signed";
        return Failure::Unsigned;
    }
    if (!ControlPlaneKey::verify(publicKey, expected.signedMessage, expected.signature)) {
        error = what + " has a signature that does not verify with the pinned control-plane key";
        return Failure::Signature;
    }
    std::error_code ec;
    const auto stored = pathOf(expected.digest);
    // Stored files hashed to their names before they were renamed into place.
    if (std::filesystem::is_regular_file(stored, ec)) {
        if (std::filesystem::file_size(stored, ec) == expected.size && !ec)
            return Failure::None;
        std::filesystem::remove(stored, ec);
    }
    return download(expected, source, error);
}

ArtifactStore::Failure ArtifactStore::download(const Expected &expected, ArtifactSource &source, std::string &error)
{
    const std::string what = expected.what + " " + expected.digest;
    std::error_code ec;
    std::filesystem::create_directories(m_root / "sha256", ec);
    std::filesystem::create_directories(m_root / "tmp", ec);
    TemporaryFile temporary;
    const std::string hex = expected.digest.substr(kDigestPrefix.size());
    char suffix[17];
    unsigned char random[8];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(suffix, sizeof suffix, random, sizeof random);
    const auto path = m_root / "tmp" / (hex + "." + suffix);
    temporary.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (temporary.fd < 0) {
        error = what + ": cannot create " + path.string() + ": " + std::strerror(errno);
        return Failure::Storage;
    }
    temporary.path = path;

    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    std::uint64_t offset = 0;
    // A source that trickles (tiny chunks, each just inside the per-chunk timeout) must
    // not hold newer desired states back for hours.
    const auto deadline = std::chrono::steady_clock::now() + kMaxFetchTime;
    for (;;) {
        if (std::chrono::steady_clock::now() > deadline) {
            error = what + ": not complete after " + std::to_string(kMaxFetchTime.count()) + " s (" + std::to_string(offset)
                    + " of " + std::to_string(expected.size) + " bytes); the next desired state tries again";
            return Failure::Transport;
        }
        ArtifactChunk chunk;
        std::string why;
        if (!source.fetch(expected.digest, offset, chunk, why)) {
            error = what + ": fetching at offset " + std::to_string(offset) + " failed: " + why;
            return Failure::Transport;
        }
        if (chunk.digest != expected.digest || chunk.offset != offset) {
            error = what + ": asked for offset " + std::to_string(offset) + ", got " + chunk.digest + " at offset "
                    + std::to_string(chunk.offset);
            return Failure::Transport;
        }
        if (chunk.totalSize > kMaxArtifactBytes) {
            error = what + ": the source says it has " + std::to_string(chunk.totalSize)
                    + " bytes, over the agent's limit of " + std::to_string(kMaxArtifactBytes);
            return Failure::TooLarge;
        }
        if (chunk.totalSize != expected.size) {
            error = what + ": the source says it has " + std::to_string(chunk.totalSize)
                    + " bytes, the desired state says " + std::to_string(expected.size);
            return Failure::SizeMismatch;
        }
        if (chunk.data.size() > chunk.totalSize - offset
            || (chunk.last && offset + chunk.data.size() != chunk.totalSize)
            || (!chunk.last && chunk.data.size() < kMinChunkBytes)) {
            error = what + ": a chunk of " + std::to_string(chunk.data.size()) + " bytes at offset "
                    + std::to_string(offset) + (chunk.last ? " (last)" : "") + " does not fit its "
                    + std::to_string(chunk.totalSize) + " bytes";
            return Failure::SizeMismatch;
        }
        crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char *>(chunk.data.data()),
                                  chunk.data.size());
        for (std::size_t written = 0; written < chunk.data.size();) {
            const ssize_t n = ::write(temporary.fd, chunk.data.data() + written, chunk.data.size() - written);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error = what + ": cannot write " + path.string() + ": " + std::strerror(errno);
                return Failure::Storage;
            }
            written += std::size_t(n);
        }
        offset += chunk.data.size();
        if (chunk.last)
            break;
    }
    const std::string got = hexDigest(hash);
    if (got != hex) {
        error = what + ": the bytes received hash to sha256:" + got + "; deleted them";
        return Failure::DigestMismatch;
    }
    if (::fsync(temporary.fd) != 0 || ::close(std::exchange(temporary.fd, -1)) != 0
        || ::rename(path.c_str(), pathOf(expected.digest).c_str()) != 0) {
        error = what + ": cannot store it: " + std::strerror(errno);
        return Failure::Storage;
    }
    temporary.path.clear();
    AtomicFile::syncDirectory(pathOf(expected.digest).parent_path()); // before any set names it
    return Failure::None;
}

void ArtifactStore::collect(const std::set<std::string> &keep)
{
    std::error_code ec;
    for (std::filesystem::directory_iterator it(m_root / "sha256", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string digest = std::string(kDigestPrefix) + it->path().filename().string();
        if (!keep.contains(digest)) {
            std::error_code removeError;
            std::filesystem::remove(it->path(), removeError);
        }
    }
    std::filesystem::remove_all(m_root / "tmp", ec);
}

} // namespace keel::agent
