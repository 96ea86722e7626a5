#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Keel {

class ConnectionProfiles;
class TokenVault;

// Asks for a control plane address and an operator token. OK stays disabled until the
// address is one KeelClient can open and a token is given. With profiles, the server is
// picked from the ones used before (with their CA file), and a token the operator asked
// to remember is read back from the system keyring.
class ConnectDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    void setServer(const QString &server);
    void setToken(const QString &token);
    // Why a new token is asked for (the server's refusal), shown above the fields.
    void setRefusal(const QString &reason);

    // The normalized address (ws://host:port/v1/operator); invalid until the input is.
    QUrl server() const;
    // The address as typed: what a profile remembers.
    QString serverText() const;
    QString token() const;
    QString caFile() const;
    void setCaFile(const QString &file);
    bool rememberToken() const;

    // Offers the remembered servers and reads remembered tokens; both must outlive the dialog.
    void setProfiles(ConnectionProfiles *profiles, TokenVault *vault);

private:
    void validate();
    void pickProfile(const QString &server);
    void browseCa();

    QComboBox *m_serverBox;
    QLineEdit *m_server;
    QLineEdit *m_ca;
    QCheckBox *m_remember;
    QLabel *m_keyring;
    ConnectionProfiles *m_profiles = nullptr;
    TokenVault *m_vault = nullptr;
    QLineEdit *m_token;
    QLabel *m_hint;
    QLabel *m_refusal;
    QDialogButtonBox *m_buttons;
};

} // namespace Keel
