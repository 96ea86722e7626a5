#pragma once

#include <QHash>
#include <QIcon>
#include <QStyledItemDelegate>

namespace Keel {

// Draws a QColor decoration as a small round dot instead of the default square swatch,
// so that models can state a health colour without knowing how it is drawn.
class ColorDotDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    QIcon dot(const QColor &color) const;

    mutable QHash<QRgb, QIcon> m_dots; // a handful of colours; painted once each
};

} // namespace Keel
