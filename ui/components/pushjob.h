#pragma once

#include "keelclient.h"

#include <QObject>
#include <QTimer>

#include <chrono>

namespace Keel {

class KeelClient;

// One push, from the bytes to the finished AOT build: uploads the module with its
// manifest (the control plane validates both before it answers), then follows the
// version's build through the AotBuildFinished event and, meanwhile, the version's state
// in the registry. cancel() stops waiting (the control plane goes on building). Every
// end is explained in words: refused (with the validator's message), the connection lost
// and at which step, built, failed, interpreter only.
class PushJob final : public QObject
{
    Q_OBJECT

public:
    enum class Step {
        Idle,
        Uploading,  // sent; the control plane receives and validates it
        Building,   // stored; its AOT object is pending or being built
        Finished,   // the version is in the registry and its build is over (ready, failed, unsupported)
        Refused,    // the control plane refused the push (invalid module or manifest, role, ...)
        Interrupted,// the connection went away before the end
        Cancelled,  // the operator stopped waiting
    };
    Q_ENUM(Step)

    static constexpr std::chrono::milliseconds kPollInterval{1000};

    explicit PushJob(KeelClient *client, QObject *parent = nullptr);

    void start(const Manifest &manifest, const QByteArray &module);
    void cancel();

    Step step() const { return m_step; }
    bool isRunning() const { return m_step == Step::Uploading || m_step == Step::Building; }
    // The version as the registry last described it (after the upload).
    const ComponentVersion &version() const { return m_version; }
    bool created() const { return m_created; }
    // What is happening or how it ended, as a sentence.
    QString message() const { return m_message; }
    // When refused: the field the control plane named (e.g. "module", "manifest.name").
    QString refusedField() const { return m_refusedField; }
    QString ref() const { return m_manifest.name + u'@' + m_manifest.version; }

signals:
    void stepChanged(Keel::PushJob::Step step);
    // The message or the version's build state changed.
    void progressChanged();
    // The job ended (Finished, Refused, Interrupted or Cancelled); `pushed` when the
    // version is in the registry.
    void finished(bool pushed);

private:
    void onPushed(const Result<PushedComponent> &result);
    void onBuildFinished(const AotBuildFinished &finished);
    void poll();
    void follow(const ComponentVersion &version);
    void end(Step step, const QString &message);
    static QString refusal(const QString &ref, const WireError &error);

    KeelClient *m_client;
    Manifest m_manifest;
    ComponentVersion m_version;
    bool m_created = false;
    Step m_step = Step::Idle;
    QString m_message;
    QString m_refusedField;
    QTimer m_poll;
    quint64 m_attempt = 0; // answers to an earlier start() are ignored
};

} // namespace Keel
