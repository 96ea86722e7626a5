#include "secrets.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace Keel {

bool Secrets::initialize()
{
    return sodium_init() >= 0;
}

QByteArray Secrets::randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return bytes;
}

QString Secrets::generateToken(const QString &prefix)
{
    const QByteArray random = randomBytes(32);
    return prefix + u'_'
        + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray Secrets::hash(const QString &secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}

QString Secrets::newId()
{
    return QString::fromLatin1(randomBytes(8).toHex());
}

bool Secrets::verifyEd25519(const QByteArray &publicKey, const QByteArray &message, const QByteArray &signature)
{
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.constData()),
                                       reinterpret_cast<const unsigned char *>(message.constData()),
                                       size_t(message.size()),
                                       reinterpret_cast<const unsigned char *>(publicKey.constData())) == 0;
}

} // namespace Keel
