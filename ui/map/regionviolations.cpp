#include "regionviolations.h"

#include "policies/policystyle.h"
#include "policies/violationlistmodel.h"

#include <functional>

namespace Keel {

namespace {

QHash<QString, RegionViolations::Mark> group(const QList<ResidencyViolation> &violations,
                                             const std::function<QString(const ResidencyViolation &)> &key)
{
    QHash<QString, RegionViolations::Mark> marks;
    for (const ResidencyViolation &v : violations) {
        if (v.resolved)
            continue;
        RegionViolations::Mark &mark = marks[key(v)];
        const bool enforce = v.mode == ResidencyMode::Enforce;
        (enforce ? mark.removed : mark.flagged) += 1;
        (enforce ? mark.removedOne : mark.flaggedOne) = v.component;
        const QString ref = v.component + u'@' + v.version;
        if (!mark.components.contains(ref))
            mark.components.append(ref);
        if (!mark.rules.contains(v.rule))
            mark.rules.append(v.rule);
    }
    return marks;
}

} // namespace

QString RegionViolations::Mark::text(ResidencyMode mode) const
{
    const int n = count(mode);
    if (n == 0)
        return {};
    // One placement: name what it is, "✖ profile removed"; more: count them.
    const QString what = n == 1 ? (mode == ResidencyMode::Enforce ? removedOne : flaggedOne) : QString::number(n);
    return mode == ResidencyMode::Enforce ? RegionViolations::tr("%1 %2 removed").arg(PolicyStyle::glyph(mode), what)
                                          : RegionViolations::tr("%1 %2 flagged").arg(PolicyStyle::glyph(mode), what);
}

QString RegionViolations::Mark::text() const
{
    QStringList parts;
    for (ResidencyMode mode : {ResidencyMode::Enforce, ResidencyMode::Audit}) {
        if (const QString part = text(mode); !part.isEmpty())
            parts << part;
    }
    return parts.join(QStringLiteral(" · "));
}

RegionViolations::RegionViolations(ViolationListModel *violations, QObject *parent)
    : QObject(parent)
    , m_violations(violations)
{
    connect(violations, &QAbstractItemModel::modelReset, this, &RegionViolations::recompute);
    connect(violations, &ViolationListModel::countsChanged, this, &RegionViolations::recompute);
    connect(violations, &QAbstractItemModel::dataChanged, this, &RegionViolations::recompute);
    recompute();
}

std::optional<RegionViolations::Mark> RegionViolations::region(const QString &region) const
{
    const auto it = m_regions.constFind(region);
    return it == m_regions.cend() ? std::nullopt : std::optional<Mark>(*it);
}

std::optional<RegionViolations::Mark> RegionViolations::node(const QString &node) const
{
    const auto it = m_nodes.constFind(node);
    return it == m_nodes.cend() ? std::nullopt : std::optional<Mark>(*it);
}

QHash<QString, RegionViolations::Mark> RegionViolations::byRegion(const QList<ResidencyViolation> &violations)
{
    return group(violations, [](const ResidencyViolation &v) { return v.region; });
}

QHash<QString, RegionViolations::Mark> RegionViolations::byNode(const QList<ResidencyViolation> &violations)
{
    return group(violations, [](const ResidencyViolation &v) { return v.node; });
}

void RegionViolations::recompute()
{
    QHash<QString, Mark> regions = byRegion(m_violations->violations());
    QHash<QString, Mark> nodes = byNode(m_violations->violations());
    if (regions == m_regions && nodes == m_nodes)
        return;
    m_regions = std::move(regions);
    m_nodes = std::move(nodes);
    emit changed();
}

} // namespace Keel
