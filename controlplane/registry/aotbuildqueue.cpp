#include "aotbuildqueue.h"

#include "translate/aotbuilder.h"

#include <QDir>
#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QUuid>

namespace Keel {

AotBuildQueue::AotBuildQueue(QString workDir, QString target, QString compiler, QObject *parent)
    : QObject(parent)
    , m_workDir(std::move(workDir))
    , m_target(target.isEmpty() ? QString::fromStdString(keel::aot::AotBuilder::hostTarget()) : std::move(target))
    , m_compiler(std::move(compiler))
{
    m_pool.setMaxThreadCount(1);
    QDir().mkpath(m_workDir);
}

AotBuildQueue::~AotBuildQueue()
{
    m_pool.clear();
    m_pool.waitForDone();
}

void AotBuildQueue::waitForIdle()
{
    m_pool.waitForDone();
}

void AotBuildQueue::enqueue(Job job)
{
    QPointer<AotBuildQueue> self(this);
    const QString output = m_workDir + QStringLiteral("/") + QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".so");
    keel::aot::AotBuildOptions options;
    options.target = m_target.toStdString();
    options.compiler = m_compiler.toStdString();
    m_pool.start([self, job = std::move(job), output, options] {
        // Runs on the pool's thread: only the builder and files here, no store, no signals
        // but queued ones.
        QMetaObject::invokeMethod(self, [self, job] {
            if (self)
                emit self->started(job.component, job.version);
        }, Qt::QueuedConnection);
        const keel::aot::AotBuilder builder(options);
        const auto *data = reinterpret_cast<const uint8_t *>(job.module.constData());
        const auto result = builder.build({data, size_t(job.module.size())}, output.toStdString());
        QString error;
        if (!result.ok)
            error = QString::fromStdString(result.error).trimmed();
        else if (QString::fromStdString(result.metadata.moduleDigest) != job.moduleDigest)
            error = QStringLiteral("the builder saw other bytes (%1) than the registry holds (%2)")
                        .arg(QString::fromStdString(result.metadata.moduleDigest), job.moduleDigest);
        if (!error.isEmpty())
            QFile::remove(output);
        QMetaObject::invokeMethod(self, [self, job, output, error] {
            if (self)
                emit self->finished(job.component, job.version, job.moduleDigest, error.isEmpty() ? output : QString(), error);
        }, Qt::QueuedConnection);
    });
}

} // namespace Keel
