#pragma once

#include "fleettypes.h"
#include "registrytypes.h"

#include <QWizardPage>

class QComboBox;
class QLabel;

namespace Keel {

class KeelClient;
class PlacementPreview;
class SelectorPreview;

// The wizard's first page: which component, which version, on which nodes. The versions
// are the registry's, newest push first; the one the selector's nodes run now is marked
// as the baseline (it stays in the list: the control plane says why it cannot be the
// target). The selector previews its nodes as it is typed, and the residency policy's
// verdict on them: the nodes it forbids, with "skip" to roll out to the others only.
class RolloutTargetPage final : public QWizardPage
{
    Q_OBJECT

public:
    RolloutTargetPage(KeelClient *client, QWidget *parent = nullptr);

    void setVersions(const QList<ComponentVersion> &versions);
    void setTarget(const QString &component, const QString &version);
    QString component() const;
    QString version() const;
    QString selector() const;
    const QList<Node> &matches() const;
    // The nodes the rollout reaches: the matches, less those skipped for the policy.
    QList<Node> nodes() const;
    bool skipDisallowed() const;
    SelectorPreview *preview() const { return m_preview; }
    PlacementPreview *placement() const { return m_placement; }
    // The version most of the matching nodes run now, empty when none runs one.
    QString baseline() const;
    QString baselineText() const;

    bool isComplete() const override;

private:
    void fillVersions();
    void updateBaseline();
    void checkPlacement();

    QList<ComponentVersion> m_versions;
    QComboBox *m_component;
    QComboBox *m_version;
    SelectorPreview *m_preview;
    PlacementPreview *m_placement;
    QLabel *m_baseline;
    QString m_wantedVersion; // set before the registry was listed
};

} // namespace Keel
