#include "connectdialog.h"

#include "connectionprofiles.h"
#include "keelclient.h"
#include "tokenvault.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QPointer>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Keel {

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_serverBox(new QComboBox(this))
    , m_server(new QLineEdit(m_serverBox))
    , m_ca(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("Remember the token in the system keyring"), this))
    , m_keyring(new QLabel(this))
    , m_token(new QLineEdit(this))
    , m_hint(new QLabel(this))
    , m_refusal(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Connect to a Control Plane"));

    // The server is typed, or picked from the ones used before.
    m_serverBox->setEditable(true);
    m_serverBox->setLineEdit(m_server);
    m_serverBox->setInsertPolicy(QComboBox::NoInsert);
    m_serverBox->setObjectName(QStringLiteral("serverProfiles"));
    m_server->setObjectName(QStringLiteral("server"));
    m_server->setPlaceholderText(QStringLiteral("ws://127.0.0.1:7070"));
    m_serverBox->setMinimumWidth(360);
    m_ca->setObjectName(QStringLiteral("caFile"));
    m_ca->setPlaceholderText(tr("only for wss:// with a private CA (PEM file)"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ConnectDialog::browseCa);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_ca, 1);
    caRow->addWidget(browse);
    m_remember->setObjectName(QStringLiteral("rememberToken"));
    m_remember->setToolTip(tr("Kept by the platform's keyring, never in a file; where there is none, the console asks each time"));
    m_keyring->setObjectName(QStringLiteral("keyringStatus"));
    m_keyring->setWordWrap(true);
    m_keyring->setEnabled(false);
    m_keyring->hide();
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
    form->addRow(tr("&Server:"), m_serverBox);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(QString(), m_remember);
    form->addRow(QString(), m_keyring);
    form->addRow(tr("&CA file:"), caRow);
    form->addRow(QString(), m_hint);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_refusal);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_server, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_serverBox, &QComboBox::activated, this, [this](int index) { pickProfile(m_serverBox->itemText(index)); });
    connect(m_token, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_ca, &QLineEdit::textChanged, this, &ConnectDialog::validate);
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

QString ConnectDialog::serverText() const
{
    return m_server->text().trimmed();
}

QString ConnectDialog::caFile() const
{
    return m_ca->text().trimmed();
}

void ConnectDialog::setCaFile(const QString &file)
{
    m_ca->setText(file);
}

bool ConnectDialog::rememberToken() const
{
    return m_remember->isChecked();
}

void ConnectDialog::setProfiles(ConnectionProfiles *profiles, TokenVault *vault)
{
    m_profiles = profiles;
    m_vault = vault;
    const QString typed = m_server->text();
    m_serverBox->clear();
    for (const ConnectionProfiles::Profile &p : profiles->profiles())
        m_serverBox->addItem(p.server);
    m_server->setText(typed);
    if (profiles->find(typed.trimmed()))
        pickProfile(typed.trimmed());
}

void ConnectDialog::pickProfile(const QString &server)
{
    m_server->setText(server);
    if (!m_profiles)
        return;
    const auto profile = m_profiles->find(server);
    if (!profile)
        return;
    m_ca->setText(profile->caFile);
    m_remember->setChecked(profile->rememberToken);
    if (!profile->rememberToken || !m_vault || !m_token->text().isEmpty())
        return;
    m_keyring->setText(tr("Reading the token from the system keyring…"));
    m_keyring->show();
    const QPointer<ConnectDialog> self(this);
    m_vault->read(server, [self, server](std::optional<QString> token, const QString &error) {
        if (!self || self->m_server->text().trimmed() != server)
            return; // another server was picked meanwhile
        if (token) {
            self->m_token->setText(*token);
            self->m_keyring->setText(tr("Token from the system keyring."));
        } else {
            self->m_keyring->setText(tr("Enter the token: %1.").arg(error));
        }
    });
}

void ConnectDialog::browseCa()
{
    auto *dialog = new QFileDialog(this, tr("CA certificate of the control plane"), QString(),
                                   tr("PEM certificates (*.pem *.crt);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, m_ca, &QLineEdit::setText);
    dialog->open();
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
    else if (url.scheme() == QLatin1String("wss") && !caFile().isEmpty() && !QFileInfo(caFile()).isReadable())
        m_hint->setText(tr("Cannot read the CA file %1.").arg(caFile()));
    else
        m_hint->setText(tr("Will connect to %1.").arg(url.toString()));
    const bool caOk = caFile().isEmpty() || QFileInfo(caFile()).isReadable();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(url.isValid() && !token().isEmpty() && caOk);
}

} // namespace Keel
