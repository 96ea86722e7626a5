#include "nodeidentity.h"

#include "state/atomicfile.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel::agent {

namespace {

constexpr std::string_view kProofContext = "keel.v1 agent proof";

std::string describe(const std::filesystem::path &file, std::string_view problem,
                     std::string_view todo)
{
    return "identity key: " + file.string() + ": " + std::string(problem) + "; "
           + std::string(todo);
}

// Writes through a temporary file and a rename so a crash never leaves a short key.
bool writeKeyFile(const std::filesystem::path &file, const std::uint8_t *key, std::size_t size,
                  std::string &problem)
{
    // Private from the first byte, durable, and whole or absent (state/atomicfile).
    return AtomicFile::write(file, std::string_view(reinterpret_cast<const char *>(key), size), 0600, problem);
}

// Reads the whole file if it holds exactly expected bytes; fileSize tells what it held.
bool readKeyFile(const std::filesystem::path &file, std::uint8_t *key, std::size_t expected,
                 std::size_t &fileSize, std::string &problem)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        problem = std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        problem = "not a regular file";
        ::close(fd);
        return false;
    }
    fileSize = std::size_t(st.st_size);
    if (fileSize != expected) {
        ::close(fd);
        return false;
    }
    std::size_t got = 0;
    while (got < expected) {
        const ssize_t n = ::read(fd, key + got, expected - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += std::size_t(n);
    }
    ::close(fd);
    fileSize = got;
    return got == expected;
}

} // namespace

std::optional<NodeIdentity> NodeIdentity::loadOrCreate(const std::filesystem::path &keyFile,
                                                       std::string &error)
{
    if (sodium_init() < 0) {
        error = "libsodium failed to initialise; check that the system has an entropy source";
        return std::nullopt;
    }
    NodeIdentity identity;
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(keyFile, ec);
    std::string problem;
    if (status.type() == std::filesystem::file_type::not_found) {
        crypto_sign_keypair(identity.m_publicKey.data(), identity.m_secretKey.data());
        if (!writeKeyFile(keyFile, identity.m_secretKey.data(), kSecretKeySize, problem)) {
            error = describe(keyFile, "cannot create (" + problem + ")",
                             "make the data dir writable by the agent");
            return std::nullopt;
        }
        return identity;
    }

    std::size_t fileSize = 0;
    if (!readKeyFile(keyFile, identity.m_secretKey.data(), kSecretKeySize, fileSize, problem)) {
        if (problem.empty())
            problem = "holds " + std::to_string(fileSize) + " bytes, expected "
                      + std::to_string(kSecretKeySize);
        error = describe(keyFile, problem,
                         "restore the node's key from a backup, or move the file away to enroll "
                         "as a new node");
        return std::nullopt;
    }
    // The libsodium secret key is seed || public key: re-deriving it from the seed
    // catches a corrupted file before the control plane sees a wrong proof.
    PublicKey derived{};
    std::array<std::uint8_t, kSecretKeySize> check{};
    crypto_sign_seed_keypair(derived.data(), check.data(), identity.m_secretKey.data());
    sodium_memzero(check.data(), check.size());
    if (std::memcmp(derived.data(), identity.m_secretKey.data() + 32, kPublicKeySize) != 0) {
        error = describe(keyFile, "corrupted (its public half does not match its seed)",
                         "restore the node's key from a backup, or move the file away to enroll "
                         "as a new node");
        return std::nullopt;
    }
    identity.m_publicKey = derived;
    return identity;
}

NodeIdentity::NodeIdentity(const NodeIdentity &other) = default;
NodeIdentity &NodeIdentity::operator=(const NodeIdentity &other) = default;

NodeIdentity::~NodeIdentity()
{
    sodium_memzero(m_secretKey.data(), m_secretKey.size());
}

NodeIdentity::Signature NodeIdentity::sign(std::string_view message) const
{
    Signature signature{};
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char *>(message.data()), message.size(),
                         m_secretKey.data());
    return signature;
}

NodeIdentity::Signature NodeIdentity::proveChallenge(std::string_view nodeName,
                                                     std::string_view nonce) const
{
    std::string message;
    message.reserve(kProofContext.size() + nodeName.size() + nonce.size());
    message.append(kProofContext).append(nodeName).append(nonce);
    return sign(message);
}

} // namespace keel::agent
