#include "placementpolicy.h"

#include "residencyevaluator.h"

namespace Keel {

using keel::residency::ResidencyEvaluator;

std::vector<std::string> PlacementPolicy::classes(const QStringList &dataClasses)
{
    std::vector<std::string> out;
    out.reserve(size_t(dataClasses.size()));
    for (const QString &c : dataClasses)
        out.push_back(c.toStdString());
    return out;
}

PlacementDecision PlacementPolicy::decide(const ResidencyPolicy &policy, const Node &node, const Manifest &manifest)
{
    PlacementDecision decision;
    decision.node = node.name;
    decision.region = node.region;
    decision.jurisdiction = node.jurisdiction;
    if (policy.rules.empty() || manifest.dataClasses.isEmpty())
        return decision;
    const auto verdict = ResidencyEvaluator::placement(policy.rules, classes(manifest.dataClasses), node.jurisdiction.toStdString());
    if (!verdict.rule)
        return decision;
    const ResidencyRule &rule = *verdict.rule;
    decision.allowed = verdict.allowed;
    decision.rule = QString::fromStdString(rule.name);
    decision.mode = rule.mode;
    QStringList allowed;
    for (const auto &code : rule.allowed)
        allowed.append(QString::fromStdString(code));
    decision.reason = QStringLiteral("%1 may be processed only in %2; %3 is in %4 (rule %5%6)")
                          .arg(QString::fromStdString(rule.dataClass), allowed.join(QStringLiteral(", ")), node.name,
                               node.jurisdiction.isEmpty() ? QStringLiteral("no jurisdiction") : node.jurisdiction,
                               decision.rule, rule.mode == ResidencyMode::Audit ? QStringLiteral(", audit") : QString());
    return decision;
}

std::vector<ResidencyRule> PlacementPolicy::rulesFor(const QStringList &dataClasses) const
{
    std::vector<ResidencyRule> rules;
    for (const ResidencyRule *rule : ResidencyEvaluator::concerning(m_policy.rules, classes(dataClasses)))
        rules.push_back(*rule);
    return rules;
}

bool PlacementPolicy::needsSubject(const QStringList &dataClasses) const
{
    return ResidencyEvaluator::needsSubject(m_policy.rules, classes(dataClasses));
}

} // namespace Keel
