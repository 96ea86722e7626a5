#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Keel {

// Operator tokens kept in the platform's keyring (Secret Service, KWallet, macOS
// Keychain, Windows Credential Store) through QtKeychain, one per server. Never in plain
// text: where no keyring is available every call fails with a message saying so, and the
// console asks for the token each time. All calls are asynchronous.
class TokenVault final : public QObject
{
    Q_OBJECT

public:
    // The token, or nullopt with why not (none stored, or no keyring).
    using ReadDone = std::function<void(std::optional<QString> token, const QString &error)>;
    // Empty error: done.
    using WriteDone = std::function<void(const QString &error)>;

    explicit TokenVault(QObject *parent = nullptr);

    void read(const QString &server, ReadDone done);
    void write(const QString &server, const QString &token, WriteDone done);
    void forget(const QString &server, WriteDone done = {});

    static QString service() { return QStringLiteral("keel-console"); }
};

} // namespace Keel
