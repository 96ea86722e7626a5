#include "alertstatusbutton.h"

#include "alertmodel.h"
#include "common/statuscolors.h"

#include <QPainter>
#include <QPixmap>

namespace Keel {

namespace {

QIcon dot(const QColor &color)
{
    QPixmap pixmap(24, 24);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(5, 5, 14, 14));
    painter.end();
    pixmap.setDevicePixelRatio(2.0);
    return QIcon(pixmap);
}

} // namespace

AlertStatusButton::AlertStatusButton(AlertModel *alerts, QWidget *parent)
    : QToolButton(parent)
    , m_alerts(alerts)
{
    setObjectName(QStringLiteral("alertStatus"));
    setAutoRaise(true);
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setToolTip(tr("Open the alerts"));
    connect(alerts, &AlertModel::countsChanged, this, &AlertStatusButton::update);
    update();
}

void AlertStatusButton::update()
{
    const int total = m_alerts->alertCount();
    const int critical = m_alerts->count(AlertModel::Severity::Critical);
    if (total == 0) {
        setText(tr("No alerts"));
        setIcon(dot(StatusColors::inactive()));
    } else {
        setText(critical > 0 ? tr("%n alert(s): %1 critical", nullptr, total).arg(critical) : tr("%n alert(s)", nullptr, total));
        setIcon(dot(critical > 0 ? StatusColors::failing() : StatusColors::degraded()));
    }
}

} // namespace Keel
