#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace Keel {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop (self-pipe): the handler
// itself only writes a byte, which is all a signal handler may safely do.
class ShutdownSignals final : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

signals:
    void shutdownRequested(int signalNumber);

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace Keel
