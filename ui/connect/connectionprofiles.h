#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

class QSettings;

namespace Keel {

// The control planes this console connected to, remembered with QSettings: the server,
// the CA file for wss:// and whether the operator asked for the token to be kept (the
// token itself is never here; it lives in the system keyring, see TokenVault). Most
// recently used first.
class ConnectionProfiles final
{
public:
    struct Profile
    {
        QString server;        // as the operator typed it, e.g. ws://127.0.0.1:7070
        QString caFile;        // PEM with the CA certificate(s) of a wss:// server
        bool rememberToken = false;
        QDateTime lastUsed;
    };
    static constexpr int kMaxProfiles = 20;

    // `settings` must outlive this object.
    explicit ConnectionProfiles(QSettings *settings);

    QList<Profile> profiles() const;
    // The profile of this server, if any.
    std::optional<Profile> find(const QString &server) const;
    // Adds or updates the profile of its server, as the most recent.
    void remember(Profile profile);
    void forget(const QString &server);

private:
    void store(const QList<Profile> &profiles);

    QSettings *m_settings;
};

} // namespace Keel
