#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Keel {

// Content-addressed files: every blob lives at <dir>/sha256/<hex> and is named by its
// digest, "sha256:<hex>". Writes go to a temporary file that is flushed to disk and then
// renamed, so a blob is either whole or absent, also after a crash.
class BlobStore final
{
public:
    explicit BlobStore(QString dir);

    static QString digestOf(QByteArrayView bytes);
    // "sha256:" and 64 lower-case hex digits: nothing else ever becomes a path.
    static bool isDigest(const QString &digest);

    // The digest, or an empty string with *error. Storing bytes that are already there
    // is a no-op.
    QString put(QByteArrayView bytes, QString *error);
    // Moves a finished file in (e.g. a compiler's output); the digest is computed here.
    QString adopt(const QString &path, QString *error);
    bool contains(const QString &digest) const;
    // The bytes, checked against their digest (a corrupted blob reads as absent).
    std::optional<QByteArray> read(const QString &digest) const;
    QString pathOf(const QString &digest) const;

private:
    QString m_dir;
};

} // namespace Keel
