#include "policyruledelegate.h"

#include "common/statuscolors.h"
#include "policyrulesmodel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace Keel {

QWidget *PolicyRuleDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() != PolicyRulesModel::ModeColumn) {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        // Checked as it is typed: every keystroke reaches the model, which validates the
        // policy and names what is wrong under the table while the cell is still open.
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            line->setObjectName(QStringLiteral("ruleCellEditor"));
            connect(line, &QLineEdit::textEdited, this, [this, line] {
                emit const_cast<PolicyRuleDelegate *>(this)->commitData(line);
            });
        }
        return editor;
    }
    auto *combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("ruleModeEditor"));
    combo->addItem(tr("enforce"), QStringLiteral("enforce"));
    combo->addItem(tr("audit"), QStringLiteral("audit"));
    combo->setItemData(0, tr("Violating placements are removed, requests refused"), Qt::ToolTipRole);
    combo->setItemData(1, tr("Violations are flagged; nothing is removed or refused"), Qt::ToolTipRole);
    // A choice is made at once, without a second click elsewhere.
    connect(combo, &QComboBox::activated, this, [this, combo] {
        emit const_cast<PolicyRuleDelegate *>(this)->commitData(combo);
    });
    return combo;
}

void PolicyRuleDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        combo->setCurrentIndex(std::max(0, combo->findData(index.data(Qt::EditRole))));
        return;
    }
    QStyledItemDelegate::setEditorData(editor, index);
}

void PolicyRuleDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        model->setData(index, combo->currentData(), Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

void PolicyRuleDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!index.data(PolicyRulesModel::ProblemRole).toString().isEmpty()) {
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->icon = warning();
        option->decorationSize = QSize(14, 14);
        return;
    }
    const QVariant decoration = index.data(Qt::DecorationRole);
    if (decoration.typeId() == QMetaType::QColor) {
        option->icon = dot(decoration.value<QColor>());
        option->decorationSize = QSize(10, 10);
    }
}

QIcon PolicyRuleDelegate::dot(const QColor &color) const
{
    const auto cached = m_dots.constFind(color.rgba());
    if (cached != m_dots.cend())
        return *cached;
    QPixmap pixmap(20, 20); // at 2x: round on high-DPI screens
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(color.darker(130));
        painter.setBrush(color);
        painter.drawEllipse(QRectF(1.5, 1.5, 17, 17));
    }
    pixmap.setDevicePixelRatio(2.0);
    return *m_dots.insert(color.rgba(), QIcon(pixmap));
}

QIcon PolicyRuleDelegate::warning() const
{
    if (!m_warning.isNull())
        return m_warning;
    // A red triangle with a light "!" inside: a problem, readable without its colour.
    QPixmap pixmap(28, 28);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        QPainterPath triangle;
        triangle.moveTo(14, 2);
        triangle.lineTo(26.5, 25);
        triangle.lineTo(1.5, 25);
        triangle.closeSubpath();
        painter.setPen(QPen(StatusColors::failing().darker(130), 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(StatusColors::failing());
        painter.drawPath(triangle);
        painter.setPen(QPen(QColor(0xff, 0xff, 0xff), 3, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(14, 9.5), QPointF(14, 16.5));
        painter.drawPoint(QPointF(14, 21));
    }
    pixmap.setDevicePixelRatio(2.0);
    m_warning = QIcon(pixmap);
    return m_warning;
}

} // namespace Keel
