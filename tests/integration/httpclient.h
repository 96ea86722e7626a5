#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QString>
#include <QUrl>

// Blocking HTTP for tests, over a real socket: one call, one answer or a timeout.
class HttpClient final
{
public:
    struct Reply
    {
        int status = 0; // 0: no HTTP answer (refused, reset or timed out)
        QByteArray body;
        qint64 elapsedMs = 0;
        QString error;
    };

    Reply get(const QUrl &url, int timeoutMs = 10000);
    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body, int timeoutMs = 10000);

    // Starts a request and returns at once; wait() collects it.
    QNetworkReply *start(const QByteArray &method, const QUrl &url, const QByteArray &body = {});
    static Reply wait(QNetworkReply *reply, int timeoutMs);

private:
    QNetworkAccessManager m_manager;
};
