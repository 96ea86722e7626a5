#pragma once

#include "residencytypes.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <optional>

namespace Keel {

class ViolationListModel;

// The residency violations per region and node, for the map: a region with violating
// placements gets a mark ("✖ profile removed", "⚑ 2 flagged"), red when any is
// enforce-mode, amber when all are audit-mode; a node the same, for when the map spreads
// regions into nodes. Follows the violation list; changes only when a mark does. Knows
// nothing of widgets.
class RegionViolations final : public QObject
{
    Q_OBJECT

public:
    struct Mark
    {
        int removed = 0; // enforce mode
        int flagged = 0; // audit mode
        QStringList components; // "profile@1.0.0", each once
        QStringList rules;
        QString removedOne; // the component's name when exactly one placement is removed
        QString flaggedOne; // ... flagged

        ResidencyMode mode() const { return removed > 0 ? ResidencyMode::Enforce : ResidencyMode::Audit; }
        int count(ResidencyMode mode) const { return mode == ResidencyMode::Enforce ? removed : flagged; }
        // One mode's part: "✖ profile removed", "✖ 2 removed", "⚑ tracker flagged"; empty
        // when none.
        QString text(ResidencyMode mode) const;
        // Both: "✖ profile removed · ⚑ tracker flagged".
        QString text() const;
        bool operator==(const Mark &) const = default;
    };

    explicit RegionViolations(ViolationListModel *violations, QObject *parent = nullptr);

    std::optional<Mark> region(const QString &region) const;
    std::optional<Mark> node(const QString &node) const;
    const QHash<QString, Mark> &regions() const { return m_regions; }
    const QHash<QString, Mark> &nodes() const { return m_nodes; }
    bool isEmpty() const { return m_regions.isEmpty(); }

    // The marks a list of violations gives (the rule, for tests).
    static QHash<QString, Mark> byRegion(const QList<ResidencyViolation> &violations);
    static QHash<QString, Mark> byNode(const QList<ResidencyViolation> &violations);

signals:
    void changed();

private:
    void recompute();

    ViolationListModel *m_violations;
    QHash<QString, Mark> m_regions;
    QHash<QString, Mark> m_nodes;
};

} // namespace Keel
