#include "connectdialog.h"

#include "keelclient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Keel {

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_server(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_hint(new QLabel(this))
    , m_refusal(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Connect to a Control Plane"));

    m_server->setObjectName(QStringLiteral("server"));
    m_server->setPlaceholderText(QStringLiteral("ws://127.0.0.1:7070"));
    m_server->setMinimumWidth(320);
    m_token->setObjectName(QStringLiteral("token"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("operator token"));
    m_hint->setObjectName(QStringLiteral("hint"));
    m_hint->setEnabled(false); // muted: it explains, it does not shout
    m_hint->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    m_refusal->setObjectName(QStringLiteral("refusal"));
    m_refusal->setWordWrap(true);
    m_refusal->setVisible(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_server);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(QString(), m_hint);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_refusal);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_server, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_token, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

void ConnectDialog::setRefusal(const QString &reason)
{
    m_refusal->setText(tr("The control plane refused the token: %1\nEnter another operator token.").arg(reason));
    m_refusal->setVisible(!reason.isEmpty());
    if (!reason.isEmpty())
        m_token->setFocus(); // the server is right; the token is what to fix
}

void ConnectDialog::setServer(const QString &server)
{
    m_server->setText(server);
}

void ConnectDialog::setToken(const QString &token)
{
    m_token->setText(token);
}

QUrl ConnectDialog::server() const
{
    return KeelClient::normalizeServer(m_server->text());
}

QString ConnectDialog::token() const
{
    return m_token->text().trimmed();
}

void ConnectDialog::validate()
{
    const QUrl url = server();
    if (m_server->text().trimmed().isEmpty())
        m_hint->setText(tr("HOST:PORT or ws://HOST:PORT (wss:// for TLS)."));
    else if (!url.isValid())
        m_hint->setText(tr("\"%1\" is not a control plane address: use HOST:PORT or ws://HOST:PORT.")
                            .arg(m_server->text().trimmed()));
    else if (token().isEmpty())
        m_hint->setText(tr("The first admin token is in the control plane's data directory, admin.token."));
    else
        m_hint->setText(tr("Will connect to %1.").arg(url.toString()));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(url.isValid() && !token().isEmpty());
}

} // namespace Keel
