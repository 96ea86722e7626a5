#pragma once

#include <QHash>
#include <QIcon>
#include <QStyledItemDelegate>

namespace Keel {

// How the rules table draws and edits its cells: a cell with a problem gets a warning
// sign before its text (so the mark is a shape as well as the model's tint), a colour
// decoration is a round dot, the mode is chosen from a list instead of typed, and a cell
// being typed in reaches the model at every keystroke, so that it is checked as typed.
class PolicyRuleDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    QIcon dot(const QColor &color) const;
    QIcon warning() const;

    mutable QHash<QRgb, QIcon> m_dots;
    mutable QIcon m_warning;
};

} // namespace Keel
