#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Keel {

// The control plane's ed25519 key pair. Agents receive the public half at enrollment to
// verify the artifacts it signs.
class SigningKey final
{
public:
    // Loads `path`, or creates it (mode 0600) when absent. nullopt with *error on failure.
    static std::optional<SigningKey> loadOrCreate(const QString &path, QString *error);

    QByteArray publicKey() const { return m_publicKey; }
    QByteArray sign(const QByteArray &message) const;

private:
    QByteArray m_publicKey;
    QByteArray m_secretKey;
};

} // namespace Keel
