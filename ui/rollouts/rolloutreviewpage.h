#pragma once

#include "rollouttypes.h"

#include <QWizardPage>

class QLabel;
class QTreeWidget;

namespace Keel {

// The wizard's last page: the waves the rollout will go in, as the control plane's own
// planner cuts them from the nodes the selector matches now, the settings in one line,
// and what went wrong (a plan that cannot be made, the control plane's refusal) in words.
class RolloutReviewPage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit RolloutReviewPage(QWidget *parent = nullptr);

    void setPlan(const RolloutSpec &spec, const QList<RolloutWave> &waves, const QString &summary);
    void setProblem(const QString &problem);
    // Shown while the control plane is asked, and (in red) for its refusal.
    void setMessage(const QString &message, bool failure = false);
    QString messageText() const;
    int plannedWaves() const;
    QTreeWidget *waveList() const { return m_waves; }
    void setBusy(bool busy);

    bool isComplete() const override;

private:
    QLabel *m_summary;
    QTreeWidget *m_waves;
    QLabel *m_spec;
    QLabel *m_message;
    bool m_planned = false;
    bool m_busy = false;
};

} // namespace Keel
