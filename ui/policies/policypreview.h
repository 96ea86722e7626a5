#pragma once

#include "residencytypes.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QTableView;

namespace Keel {

class ViolationListModel;

// What a policy would do if applied, as the control plane's dry run answered it: one
// sentence with the counts ("Applying would remove 2 components from 1 node and flag 1
// placement."), what changes in the rules, the placements that would be violations (new
// ones first: removed in red, flagged in amber), and what each node would lose. Marked out
// of date when the rules change after it was asked.
class PolicyPreview final : public QWidget
{
    Q_OBJECT

public:
    explicit PolicyPreview(QWidget *parent = nullptr);

    ViolationListModel *placements() const { return m_placements; }
    QTableView *table() const { return m_table; }
    QListWidget *lossList() const { return m_losses; }

    // `now`: the violations as they are, to tell which ones applying would add.
    void setImpact(const PolicyImpact &impact, const QList<ResidencyViolation> &now);
    void setBusy();
    void setProblem(const QString &message);
    void setOutOfDate();
    void clear();

    bool isCurrent() const { return m_current; }
    const PolicyImpact &impact() const { return m_impact; }
    // What applying would newly do (placements already violating stay as they are).
    int removedComponents() const { return m_removedComponents; }
    int removedNodes() const { return m_removedNodes; }
    int flaggedPlacements() const { return m_flagged; }
    // "2 components removed from 1 node, 1 placement flagged".
    QString countText() const;
    QString headlineText() const;
    QString diffText() const;

private:
    enum class Tone { Note, Result, Failure };
    void setHeadline(const QString &text, Tone tone);

    ViolationListModel *m_placements;
    QLabel *m_headline;
    QLabel *m_diff;
    QTableView *m_table;
    QLabel *m_lossTitle;
    QListWidget *m_losses;
    QWidget *m_details; // the table and the losses: shown with an answer
    PolicyImpact m_impact;
    bool m_current = false;
    int m_removedComponents = 0;
    int m_removedNodes = 0;
    int m_flagged = 0;
};

} // namespace Keel
