// keel.v1 <-> deployment rules as operators list them.
#include "protoconvert_p.h"

#include <algorithm>
#include <climits>

namespace Keel::Proto {

namespace pb = keel::v1;

void toProto(const DeploymentRule &rule, pb::Deployment *out)
{
    const Deployment &d = rule.deployment;
    out->set_sequence(d.sequence);
    out->set_component(str(d.component));
    out->set_version(str(d.version));
    out->set_selector(str(d.selector));
    out->set_created_unix_ms(toUnixMs(d.created));
    out->set_created_by(str(d.createdBy));
    out->set_nodes_matched(uint32_t(std::max(0, rule.nodesMatched)));
    for (const QString &node : d.excluded)
        out->add_excluded_nodes(str(node));
}

DeploymentRule fromProto(const pb::Deployment &rule)
{
    Deployment d;
    d.sequence = rule.sequence();
    d.component = str(rule.component());
    d.version = str(rule.version());
    d.selector = str(rule.selector());
    d.created = fromUnixMs(rule.created_unix_ms());
    d.createdBy = str(rule.created_by());
    for (const auto &node : rule.excluded_nodes())
        d.excluded.append(str(node));
    return {std::move(d), int(std::min<uint32_t>(rule.nodes_matched(), INT32_MAX))};
}

} // namespace Keel::Proto
