#include "rolloutbanner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QStyle>

namespace Keel {

RolloutBanner::RolloutBanner(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("rolloutBanner"));
    m_label->setObjectName(QStringLiteral("rolloutBannerText"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setTextFormat(Qt::RichText);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(14, 6, 8, 6);
    layout->setSpacing(8);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_label, 1);
    hide();
}

void RolloutBanner::setMessage(Severity severity, const QColor &color, const QString &word, const QString &sentence)
{
    if (sentence.isEmpty()) {
        clear();
        return;
    }
    m_severity = severity;
    m_color = color;
    m_text = word + QStringLiteral(": ") + sentence;
    m_label->setText(QStringLiteral("<b>%1:</b> %2").arg(word.toHtmlEscaped(), sentence.toHtmlEscaped()));
    updateIcon();
    update();
    show();
}

void RolloutBanner::clear()
{
    m_text.clear();
    m_label->clear();
    hide();
}

QString RolloutBanner::text() const
{
    return isVisibleTo(parentWidget()) ? m_text : QString();
}

void RolloutBanner::updateIcon()
{
    const QStyle::StandardPixmap icon = m_severity == Severity::Failure ? QStyle::SP_MessageBoxCritical
                                        : m_severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                          : QStyle::SP_MessageBoxInformation;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(icon, nullptr, this).pixmap(size, size));
}

void RolloutBanner::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    // A tint of the state's colour over the window's: readable in light and dark themes.
    QColor tint = m_color;
    tint.setAlpha(48);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    painter.fillRect(rect(), tint);
    painter.fillRect(QRect(0, 0, 5, height()), m_color);
    QColor frame = m_color;
    frame.setAlpha(140);
    painter.setPen(frame);
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

void RolloutBanner::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::StyleChange)
        updateIcon();
}

} // namespace Keel
