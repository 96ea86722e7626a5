#include "trafficgenerator.h"

#include <QNetworkReply>

TrafficGenerator::TrafficGenerator(QObject *parent)
    : QObject(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &TrafficGenerator::fire);
}

void TrafficGenerator::addTarget(const QString &node, const QString &baseUrl)
{
    m_targets.insert(node, baseUrl);
}

void TrafficGenerator::start(const QString &path, int intervalMs, int inFlight)
{
    m_path = path;
    m_inFlightLimit = inFlight;
    m_timer.start(intervalMs);
}

void TrafficGenerator::stop()
{
    m_timer.stop();
}

QList<TrafficGenerator::Failure> TrafficGenerator::unexpectedFailures(const QString &allowedBody) const
{
    QList<Failure> unexpected;
    for (const Failure &f : m_failures) {
        if (!(f.status == 500 && f.body.contains(allowedBody)))
            unexpected.append(f);
    }
    return unexpected;
}

void TrafficGenerator::fire()
{
    for (auto it = m_targets.cbegin(); it != m_targets.cend(); ++it) {
        const QString node = it.key();
        if (m_inFlight.value(node) >= m_inFlightLimit)
            continue;
        ++m_inFlight[node];
        QNetworkRequest request(QUrl(it.value() + m_path));
        request.setTransferTimeout(20000);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
        QNetworkReply *reply = m_manager.post(request, QByteArrayLiteral("rollout traffic"));
        connect(reply, &QNetworkReply::finished, this, [this, reply, node] {
            reply->deleteLater();
            --m_inFlight[node];
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            if (status == 200) {
                ++m_answers[node];
                const QByteArray version = reply->rawHeader(QByteArrayLiteral("X-Hash-Version"));
                m_lastVersion.insert(node, version.isEmpty() ? QStringLiteral("1.0.0") : QString::fromLatin1(version));
                return;
            }
            m_failures.append({node, status, status == 0 ? reply->errorString() : QString::fromUtf8(body.left(200))});
        });
    }
}
