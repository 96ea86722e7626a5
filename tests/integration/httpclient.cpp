#include "httpclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QTest>

HttpClient::Reply HttpClient::get(const QUrl &url, int timeoutMs)
{
    return wait(start("GET", url), timeoutMs);
}

HttpClient::Reply HttpClient::send(const QByteArray &method, const QUrl &url, const QByteArray &body, int timeoutMs)
{
    return wait(start(method, url, body), timeoutMs);
}

QNetworkReply *HttpClient::start(const QByteArray &method, const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
    QNetworkReply *reply = m_manager.sendCustomRequest(request, method, body);
    reply->setProperty("started", QDateTime::currentMSecsSinceEpoch());
    return reply;
}

HttpClient::Reply HttpClient::wait(QNetworkReply *reply, int timeoutMs)
{
    Reply result;
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs)) {
        result.error = QStringLiteral("timed out");
        reply->abort();
    }
    result.elapsedMs = QDateTime::currentMSecsSinceEpoch() - reply->property("started").toLongLong();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    if (result.error.isEmpty() && reply->error() != QNetworkReply::NoError && result.status == 0)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}
