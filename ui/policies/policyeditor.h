#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace Keel {

class PolicyRulesModel;

// The rules of the policy in an editable table, checked as they are typed: a cell with a
// problem is marked and the sentence under the table names the problem (or, when the edit
// is valid, what it changes). Add rule, Remove rule, the default subject, and Import… /
// Export… of the policy file (docs/residency.md). Editing is switched off for a viewer,
// with the role needed in the tooltips.
class PolicyEditor final : public QWidget
{
    Q_OBJECT

public:
    explicit PolicyEditor(PolicyRulesModel *rules, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    // The sentence under the table.
    QString statusText() const;
    QString placeholderText() const;
    // `reason`: why editing is off (empty: it is on).
    void setEditable(bool editable, const QString &reason);
    // Reads a policy file into the edit; false and *error in the file's words when it
    // does not parse. The file dialogs call these.
    bool importFile(const QString &path, QString *error);
    bool exportFile(const QString &path, QString *error) const;

signals:
    // A sentence for the top of the pane (an import refused, an export written).
    void message(const QString &text, bool failure);

private:
    void buildLayout();
    void updateStatus();
    void updateActions();
    void updatePlaceholder();
    void chooseImport();
    void chooseExport();

    PolicyRulesModel *m_rules;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_import;
    QPushButton *m_export;
    QComboBox *m_defaultSubject;
    QTableView *m_table;
    QLabel *m_placeholder;
    QLabel *m_status;
    bool m_editable = true;
    QString m_readOnlyReason;
};

} // namespace Keel
