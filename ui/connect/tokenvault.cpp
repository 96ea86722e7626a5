#include "tokenvault.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

namespace Keel {

namespace {

QString explain(const QKeychain::Job *job)
{
    switch (job->error()) {
    case QKeychain::NoBackendAvailable:
        return TokenVault::tr("no system keyring is available here (%1); the token is not stored and will be asked for each time")
            .arg(job->errorString());
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return TokenVault::tr("the system keyring refused access (%1)").arg(job->errorString());
    case QKeychain::EntryNotFound:
        return TokenVault::tr("no token stored for this server");
    default:
        return TokenVault::tr("the system keyring failed: %1").arg(job->errorString());
    }
}

} // namespace

TokenVault::TokenVault(QObject *parent)
    : QObject(parent)
{
}

void TokenVault::read(const QString &server, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setInsecureFallback(false); // never plain text
    job->setKey(server);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        if (read->error() != QKeychain::NoError)
            done(std::nullopt, explain(read));
        else
            done(read->textData(), {});
    });
    job->start();
}

void TokenVault::write(const QString &server, const QString &token, WriteDone done)
{
    auto *job = new QKeychain::WritePasswordJob(service(), this);
    job->setInsecureFallback(false);
    job->setKey(server);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        done(finished->error() == QKeychain::NoError ? QString() : explain(finished));
    });
    job->start();
}

void TokenVault::forget(const QString &server, WriteDone done)
{
    auto *job = new QKeychain::DeletePasswordJob(service(), this);
    job->setInsecureFallback(false);
    job->setKey(server);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        if (done)
            done(finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound ? QString() : explain(finished));
    });
    job->start();
}

} // namespace Keel
