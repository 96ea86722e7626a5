#include "signingkey.h"

#include <QFile>

#include <sodium.h>

namespace Keel {

std::optional<SigningKey> SigningKey::loadOrCreate(const QString &path, QString *error)
{
    SigningKey key;
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the signing key %1: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        key.m_secretKey = file.readAll();
        if (key.m_secretKey.size() != crypto_sign_SECRETKEYBYTES) {
            *error = QStringLiteral("the signing key %1 has %2 bytes, not %3: restore it from a backup or move it away to start a new fleet identity")
                         .arg(path).arg(key.m_secretKey.size()).arg(crypto_sign_SECRETKEYBYTES);
            return std::nullopt;
        }
        key.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
        crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char *>(key.m_publicKey.data()),
                                     reinterpret_cast<const unsigned char *>(key.m_secretKey.constData()));
        return key;
    }
    key.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    key.m_secretKey.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char *>(key.m_publicKey.data()),
                        reinterpret_cast<unsigned char *>(key.m_secretKey.data()));
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(key.m_secretKey) != key.m_secretKey.size() || !file.flush()) {
        *error = QStringLiteral("cannot write the signing key %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return key;
}

QByteArray SigningKey::sign(const QByteArray &message) const
{
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
                         reinterpret_cast<const unsigned char *>(m_secretKey.constData()));
    return signature;
}

} // namespace Keel
