#pragma once

#include <QDialog>
#include <QUrl>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Keel {

// Asks for a control plane address and an operator token. OK stays disabled until the
// address is one KeelClient can open and a token is given.
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
    QString token() const;

private:
    void validate();

    QLineEdit *m_server;
    QLineEdit *m_token;
    QLabel *m_hint;
    QLabel *m_refusal;
    QDialogButtonBox *m_buttons;
};

} // namespace Keel
