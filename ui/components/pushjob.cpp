#include "pushjob.h"

#include "aotstatestyle.h"
#include "keelclient.h"

#include <QLocale>
#include <QPointer>

namespace Keel {

PushJob::PushJob(KeelClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_poll.setInterval(kPollInterval);
    connect(&m_poll, &QTimer::timeout, this, &PushJob::poll);
    connect(m_client, &KeelClient::aotBuildFinished, this, &PushJob::onBuildFinished);
    connect(m_client, &KeelClient::disconnected, this, [this](const QString &reason) {
        if (m_step != Step::Building)
            return; // during the upload the push's own answer says so
        end(Step::Interrupted,
            tr("The connection to the control plane was lost while %1 was building (%2). The build goes on there; "
               "the registry shows how it ended once the console is connected again.").arg(ref(), reason));
    });
}

void PushJob::start(const Manifest &manifest, const QByteArray &module)
{
    Q_ASSERT(!isRunning());
    ++m_attempt;
    m_manifest = manifest;
    m_version = {};
    m_version.manifest = manifest;
    m_created = false;
    m_refusedField.clear();
    m_step = Step::Uploading;
    m_message = tr("Uploading %1 (%2 KiB); the control plane validates the module and the manifest…")
                    .arg(ref(), QLocale().toString(double(module.size()) / 1024.0, 'f', 1));
    emit stepChanged(m_step);
    emit progressChanged();
    const quint64 attempt = m_attempt;
    const QPointer<PushJob> self(this);
    m_client->pushComponent(manifest, module, [self, attempt](const Result<PushedComponent> &result) {
        if (self && self->m_attempt == attempt && self->m_step == Step::Uploading)
            self->onPushed(result);
    });
}

void PushJob::cancel()
{
    if (!isRunning())
        return;
    end(Step::Cancelled, m_step == Step::Uploading
        ? tr("Stopped waiting for %1. The upload may still reach the control plane: the registry shows it if it does.").arg(ref())
        : tr("Stopped waiting for the AOT build of %1; it goes on in the control plane, and the registry shows how it ends.").arg(ref()));
}

QString PushJob::refusal(const QString &ref, const WireError &error)
{
    if (error.code == ErrorCode::Unavailable) {
        return tr("The connection to the control plane was lost during the upload of %1 (%2). It may not have been "
                  "stored: once the console is connected again, look for it in the registry and push again if it is missing.")
            .arg(ref, error.message);
    }
    if (error.code == ErrorCode::PermissionDenied)
        return tr("The control plane refused to store %1: %2").arg(ref, error.message);
    if (error.code == ErrorCode::AlreadyExists)
        return tr("%1 already exists with other bytes: versions are immutable, push it under a new version. (%2)").arg(ref, error.message);
    if (error.field == QLatin1String("module"))
        return tr("The control plane refused the module of %1: %2").arg(ref, error.message);
    if (error.field.startsWith(QLatin1String("manifest.")))
        return tr("The control plane refused %1's %2: %3").arg(ref, error.field.mid(9), error.message);
    return tr("The control plane refused %1: %2").arg(ref, error.message);
}

void PushJob::onPushed(const Result<PushedComponent> &result)
{
    if (const auto *error = std::get_if<WireError>(&result)) {
        m_refusedField = error->field;
        end(error->code == ErrorCode::Unavailable ? Step::Interrupted : Step::Refused, refusal(ref(), *error));
        return;
    }
    const auto &pushed = std::get<PushedComponent>(result);
    m_created = pushed.created;
    m_step = Step::Building;
    emit stepChanged(m_step);
    follow(pushed.version);
    if (isRunning())
        m_poll.start();
}

// The version as the registry describes it now: finished when its build is over.
void PushJob::follow(const ComponentVersion &version)
{
    m_version = version;
    const QString stored = m_created ? tr("Stored %1 (%2).").arg(ref(), version.moduleDigest.left(19))
                                     : tr("%1 was already in the registry with these bytes; nothing changed.").arg(ref());
    switch (version.aotState) {
    case AotState::Pending:
    case AotState::Building:
        m_message = stored + u' ' + AotStateStyle::sentence(version);
        emit progressChanged();
        return;
    case AotState::Ready:
        end(Step::Finished, stored + u' ' + AotStateStyle::sentence(version));
        return;
    case AotState::Failed:
    case AotState::Unsupported:
        end(Step::Finished, stored + u' ' + AotStateStyle::sentence(version));
        return;
    }
}

void PushJob::onBuildFinished(const AotBuildFinished &finished)
{
    if (m_step != Step::Building || finished.component != m_manifest.name || finished.version != m_manifest.version)
        return;
    ComponentVersion version = m_version;
    version.aotState = finished.error.isEmpty() ? AotState::Ready : AotState::Failed;
    version.aotDigest = finished.aotDigest;
    version.aotError = finished.error;
    if (!finished.target.isEmpty())
        version.aotTarget = finished.target;
    follow(version);
}

void PushJob::poll()
{
    if (m_step != Step::Building)
        return;
    const quint64 attempt = m_attempt;
    const QPointer<PushJob> self(this);
    m_client->listComponents(m_manifest.name, [self, attempt](const Result<QList<ComponentVersion>> &result) {
        if (!self || self->m_attempt != attempt || self->m_step != Step::Building)
            return;
        const auto *versions = std::get_if<QList<ComponentVersion>>(&result);
        if (!versions)
            return; // a dropped connection is reported by the disconnected signal
        for (const ComponentVersion &v : *versions) {
            if (v.manifest.version == self->m_manifest.version && v.aotState != self->m_version.aotState) {
                self->follow(v);
                return;
            }
        }
    });
}

void PushJob::end(Step step, const QString &message)
{
    m_poll.stop();
    m_step = step;
    m_message = message;
    emit stepChanged(step);
    emit progressChanged();
    emit finished(step == Step::Finished || ((step == Step::Cancelled || step == Step::Interrupted) && !m_version.moduleDigest.isEmpty()));
}

} // namespace Keel
