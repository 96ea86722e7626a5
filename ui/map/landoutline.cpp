#include "landoutline.h"

#include "equalearthprojection.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace Keel {

namespace {

Q_LOGGING_CATEGORY(lcMap, "keel.map")

QPainterPath loadShipped()
{
    QFile file(QStringLiteral(":/keel/map/land.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        // A build without the resource: the map still works, on an empty sea.
        qCWarning(lcMap) << "land outline missing:" << file.errorString();
        return {};
    }
    QString error;
    QPainterPath path = LandOutline::fromJson(file.readAll(), &error);
    if (!error.isEmpty())
        qCWarning(lcMap) << "land outline unreadable:" << error;
    return path;
}

} // namespace

QPointF LandOutline::toPlane(double longitude, double latitude)
{
    const QPointF p = EqualEarthProjection::project(longitude, latitude);
    return {p.x(), -p.y()};
}

const QPainterPath &LandOutline::land()
{
    static const QPainterPath path = loadShipped();
    return path;
}

const QPainterPath &LandOutline::sphere()
{
    static const QPainterPath path = [] {
        QPainterPath edge;
        edge.moveTo(toPlane(-180, 90));
        for (int lat = 90; lat >= -90; lat -= 5)
            edge.lineTo(toPlane(180, lat));
        for (int lat = -90; lat <= 90; lat += 5)
            edge.lineTo(toPlane(-180, lat));
        edge.closeSubpath();
        return edge;
    }();
    return path;
}

QPainterPath LandOutline::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (document.isNull()) {
        *error = parseError.errorString();
        return {};
    }
    const QJsonValue rings = document.object().value(QStringLiteral("rings"));
    if (!rings.isArray()) {
        *error = QStringLiteral("no \"rings\" array");
        return {};
    }
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill); // holes (lakes, inland seas) are rings too
    int index = 0;
    for (const QJsonValue &ringValue : rings.toArray()) {
        const QJsonArray ring = ringValue.toArray();
        if (ring.size() < 6 || ring.size() % 2 != 0) {
            *error = QStringLiteral("ring %1 has %2 numbers; expected an even count of at least 6")
                         .arg(index)
                         .arg(ring.size());
            return {};
        }
        path.moveTo(toPlane(ring.at(0).toDouble(), ring.at(1).toDouble()));
        for (qsizetype i = 2; i + 1 < ring.size(); i += 2)
            path.lineTo(toPlane(ring.at(i).toDouble(), ring.at(i + 1).toDouble()));
        path.closeSubpath();
        ++index;
    }
    return path;
}

} // namespace Keel
