#pragma once

#include "fleettypes.h"
#include "rollouttypes.h"
#include "wireerror.h"

#include <QMessageBox>
#include <QPointer>
#include <QWizard>

#include <variant>

namespace Keel {

class KeelClient;
class RolloutGatesPage;
class RolloutReviewPage;
class RolloutStrategyPage;
class RolloutTargetPage;

// Starts a rollout in four pages: component, version and nodes (the selector previews
// them, the baseline is marked); waves (rolling or canary, region order, bake, deadline);
// gates and what a failure does; and the waves planned from the nodes matched now. Start
// asks once, naming what it touches ("Roll out hash@2.0.0 to 3 nodes in 3 regions, 3
// waves?"), then asks the control plane without blocking; a refusal is shown on the last
// page in the control plane's words, and the wizard stays open.
class RolloutWizard final : public QWizard
{
    Q_OBJECT

public:
    enum Page { TargetPage, StrategyPage, GatesPage, ReviewPage };

    RolloutWizard(KeelClient *client, QWidget *parent = nullptr);

    void setTarget(const QString &component, const QString &version = {});
    RolloutTargetPage *targetPage() const { return m_target; }
    RolloutStrategyPage *strategyPage() const { return m_strategy; }
    RolloutGatesPage *gatesPage() const { return m_gates; }
    RolloutReviewPage *reviewPage() const { return m_review; }

    RolloutSpec spec() const;
    std::variant<QList<RolloutWave>, WireError> plan() const;
    // "Roll out hash@2.0.0 to 3 nodes in 3 regions, 3 waves?"
    QString question() const;
    // The confirmation while it is open, else nullptr.
    QMessageBox *confirmation() const { return m_confirmation; }
    QString messageText() const;
    // True once the registry and the topology were listed.
    bool isListed() const { return m_versionsListed && m_regionsListed; }

    // Finish: confirm, then start; the wizard closes only once the control plane accepted.
    void accept() override;

signals:
    void started(const Keel::Rollout &rollout);

protected:
    void initializePage(int id) override;

private:
    void start();
    void replan();
    // "3 nodes in 3 regions, 3 waves".
    QString countsText() const;

    KeelClient *m_client;
    RolloutTargetPage *m_target;
    RolloutStrategyPage *m_strategy;
    RolloutGatesPage *m_gates;
    RolloutReviewPage *m_review;
    QList<Region> m_regions;
    bool m_versionsListed = false;
    bool m_regionsListed = false;
    bool m_starting = false;
    QPointer<QMessageBox> m_confirmation;
};

} // namespace Keel
