#include "blobstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

namespace Keel {

BlobStore::BlobStore(QString dir)
    : m_dir(std::move(dir))
{
}

QString BlobStore::digestOf(QByteArrayView bytes)
{
    return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool BlobStore::isDigest(const QString &digest)
{
    static const QRegularExpression re(QStringLiteral("^sha256:[0-9a-f]{64}$"));
    return re.match(digest).hasMatch();
}

QString BlobStore::pathOf(const QString &digest) const
{
    if (!isDigest(digest))
        return {};
    return m_dir + QStringLiteral("/sha256/") + digest.mid(7);
}

QString BlobStore::put(QByteArrayView bytes, QString *error)
{
    const QString digest = digestOf(bytes);
    if (contains(digest))
        return digest;
    const QString path = pathOf(digest);
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("cannot create the blob directory %1").arg(QFileInfo(path).absolutePath());
        return {};
    }
    QSaveFile file(path); // temporary file, flushed and renamed on commit()
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes.data(), bytes.size()) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write blob %1: %2").arg(path, file.errorString());
        return {};
    }
    return digest;
}

QString BlobStore::adopt(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    const QByteArray bytes = file.readAll();
    file.close();
    const QString digest = put(bytes, error);
    if (!digest.isEmpty())
        QFile::remove(path);
    return digest;
}

bool BlobStore::contains(const QString &digest) const
{
    const QString path = pathOf(digest);
    return !path.isEmpty() && QFileInfo::exists(path);
}

std::optional<QByteArray> BlobStore::read(const QString &digest) const
{
    QFile file(pathOf(digest));
    if (!isDigest(digest) || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray bytes = file.readAll();
    if (digestOf(bytes) != digest)
        return std::nullopt;
    return bytes;
}

} // namespace Keel
