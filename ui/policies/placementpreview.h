#pragma once

#include "fleettypes.h"
#include "residencytypes.h"

#include <QTimer>
#include <QWidget>

#include <chrono>

class QCheckBox;
class QLabel;
class QListWidget;

namespace Keel {

class KeelClient;

// What the residency policy says about placing component@version on the nodes a selector
// matches, asked of the control plane (checkPlacement) after a pause in typing: the nodes
// it forbids, in red with the rule and why, and those an audit-mode rule would flag, in
// amber; a "skip" box to deploy to the allowed nodes only. The deploy dialog and the
// rollout wizard show it under their node preview. Hidden against a control plane that
// does not check residency, and while there is nothing to check.
class PlacementPreview final : public QWidget
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kDebounce{300};

    explicit PlacementPreview(KeelClient *client, QWidget *parent = nullptr);

    // What to check; asked again after a pause. An empty part: nothing to check.
    void setTarget(const QString &component, const QString &version, const QString &selector);

    // The answer is for the target as it is now (or there is nothing to ask).
    bool isCurrent() const { return m_current; }
    const QList<PlacementDecision> &decisions() const { return m_decisions; }
    QStringList forbiddenNodes() const;
    int flaggedCount() const;
    bool skipDisallowed() const;
    void setSkipDisallowed(bool skip);
    // The policy forbids some matching node and they are not skipped: the action would be refused.
    bool blocks() const;
    // The nodes the action would reach: all, or those allowed when skipping.
    QList<Node> reached(const QList<Node> &matches) const;
    QString summaryText() const;
    QCheckBox *skipBox() const { return m_skip; }
    QListWidget *nodeList() const { return m_list; }

    // "1 node in 1 region".
    static QString countText(const QList<Node> &nodes);

signals:
    // A new answer, or the skip box changed.
    void changed();

private:
    void ask();
    void showDecisions(const QList<PlacementDecision> &decisions);
    void setSummary(const QString &text, const QColor &color);

    KeelClient *m_client;
    QLabel *m_summary;
    QListWidget *m_list;
    QCheckBox *m_skip;
    QTimer m_debounce;
    QString m_component;
    QString m_version;
    QString m_selector;
    QList<PlacementDecision> m_decisions;
    bool m_current = true;
    bool m_unsupported = false; // the control plane does not check residency
    quint64 m_asked = 0;
};

} // namespace Keel
