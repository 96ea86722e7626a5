#pragma once

#include "policyvalidator.h"
#include "residencytypes.h"

#include <QAbstractTableModel>

namespace Keel {

// The residency policy being edited: one row per rule (name, data class, subjects,
// allowed, mode), editable in place, checked as it is typed with the same validator the
// control plane runs. A cell a problem points at carries it (ProblemRole, the tooltip and
// a tinted background); problemText() says the first one in a sentence. Knows the policy
// the control plane applies now (setApplied) to tell what the edit changes. An edit
// changes its row (and the rows whose problems come or go), never the whole table.
class PolicyRulesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, DataClassColumn, SubjectsColumn, AllowedColumn, ModeColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        ProblemRole = Qt::UserRole + 1, // QString: what is wrong with the cell; empty: nothing
        ChangeRole,                     // QString on any column: "new", "changed" or empty
    };
    Q_ENUM(Role)

    explicit PolicyRulesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The policy the control plane applies now; the edit starts from it when nothing was
    // changed yet (or `replaceEdit`).
    void setApplied(const ResidencyPolicy &policy, bool replaceEdit);
    const ResidencyPolicy &applied() const { return m_applied; }
    // Replaces the edit (an imported file, a revert).
    void setPolicy(const ResidencyPolicy &policy);
    // The edit, stamped with nothing: what Preview and Apply send.
    ResidencyPolicy policy() const;
    void revert() { setPolicy(m_applied); }

    // A new rule at the end with a free name and the mode enforce; its row.
    int addRule();
    void removeRule(int row);
    void setDefaultSubject(const QString &code);
    QString defaultSubject() const;

    // Viewers may look, not edit.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    const std::vector<keel::residency::PolicyProblem> &problems() const { return m_problems; }
    bool isValid() const { return m_problems.empty(); }
    // The first problem in a sentence, "(and 2 more problems)" after it; empty when valid.
    QString problemText() const;
    // The edit differs from the applied policy.
    bool isModified() const;
    // keel_residency's words for what the edit changes: "added eu-pii (...); removed old".
    QString diffText() const;
    static int columnOf(const std::string &field);

signals:
    // After every change of the edit (and its problems).
    void edited();
    // The applied policy changed under an edit that was kept: what the edit changes moved.
    void appliedChanged();

private:
    void revalidate(int editedRow);
    QString problemAt(int row, int column) const;
    QString changeOf(int row) const;

    ResidencyPolicy m_applied;
    ResidencyPolicy m_policy;
    std::vector<keel::residency::PolicyProblem> m_problems;
    bool m_readOnly = false;
};

} // namespace Keel
