#pragma once

#include "fleettypes.h"
#include "rollouttypes.h"

#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QRadioButton;
class QSpinBox;

namespace Keel {

// The wizard's second page: how the nodes are cut into waves and how long each is
// watched. Rolling (a batch of N nodes or P% a wave) or canary (cumulative steps such as
// 1,10%,50%,100%, optionally pausing after each); the order of the regions the selector
// reaches (smallest first, by jurisdiction, or dragged into an explicit order); the bake
// of each wave and the deadline of the whole rollout.
class RolloutStrategyPage final : public QWizardPage
{
    Q_OBJECT

public:
    enum class Order { SmallestFirst, ByJurisdiction, Explicit };

    explicit RolloutStrategyPage(QWidget *parent = nullptr);

    // The nodes the rollout would take (for the regions they are in).
    void setNodes(const QList<Node> &nodes);
    // Writes this page's choices into the spec.
    void apply(RolloutSpec &spec) const;
    // Why the page cannot be left, in words; empty when it can.
    QString problem() const;
    bool isComplete() const override;

    void setOrder(Order order);
    // The regions in the order the explicit list has them.
    QStringList explicitOrder() const;
    QListWidget *regionList() const { return m_regions; }

private:
    void updateEnabled();

    QRadioButton *m_rolling;
    QRadioButton *m_canary;
    QLineEdit *m_batch;
    QLineEdit *m_steps;
    QCheckBox *m_pauseAfterStep;
    QComboBox *m_order;
    QListWidget *m_regions;
    QSpinBox *m_bake;
    QSpinBox *m_deadline;
    QLabel *m_problem;
    QList<Node> m_nodes;
};

} // namespace Keel
