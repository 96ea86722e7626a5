#pragma once

#include <QByteArray>
#include <QString>

namespace Keel {

// Random secrets, their stored hashes, and ed25519 verification (libsodium).
class Secrets final
{
public:
    // Initialises libsodium; false when the platform cannot give it randomness.
    static bool initialize();
    // "<prefix>_" followed by 32 random bytes, base64url without padding.
    static QString generateToken(const QString &prefix);
    static QByteArray randomBytes(int count);
    // What the store keeps instead of a secret: sha256(secret).
    static QByteArray hash(const QString &secret);
    static QString newId();
    static bool verifyEd25519(const QByteArray &publicKey, const QByteArray &message, const QByteArray &signature);
    static constexpr int kPublicKeyBytes = 32;
};

} // namespace Keel
