// keel.v1 <-> domain for residency (declared in protoconvert_p.h).
#include "protoconvert_p.h"

namespace Keel::Proto {

namespace pb = keel::v1;

namespace {

std::vector<std::string> strings(const google::protobuf::RepeatedPtrField<std::string> &in)
{
    return {in.cbegin(), in.cend()};
}

} // namespace

std::optional<ResidencyMode> fromProto(pb::ResidencyMode mode)
{
    switch (mode) {
    case pb::RESIDENCY_MODE_ENFORCE: return ResidencyMode::Enforce;
    case pb::RESIDENCY_MODE_AUDIT: return ResidencyMode::Audit;
    default: return std::nullopt;
    }
}

pb::ResidencyMode toProto(ResidencyMode mode)
{
    return mode == ResidencyMode::Audit ? pb::RESIDENCY_MODE_AUDIT : pb::RESIDENCY_MODE_ENFORCE;
}

void toProto(const ResidencyRule &rule, pb::ResidencyRule *out)
{
    out->set_name(rule.name);
    out->set_data_class(rule.dataClass);
    for (const auto &s : rule.subjects)
        out->add_subjects(s);
    for (const auto &a : rule.allowed)
        out->add_allowed(a);
    out->set_mode(toProto(rule.mode));
}

Decoded<ResidencyRule> fromProto(const pb::ResidencyRule &rule)
{
    const auto mode = fromProto(rule.mode());
    if (!mode)
        return Decoded<ResidencyRule>::fail(
            QStringLiteral("rule %1: the mode is unspecified or unknown: enforce or audit").arg(str(rule.name()).left(64)));
    return Decoded<ResidencyRule>::ok({rule.name(), rule.data_class(), strings(rule.subjects()), strings(rule.allowed()), *mode});
}

void toProto(const ResidencyPolicy &policy, pb::ResidencyPolicy *out)
{
    out->set_name(policy.name);
    for (const ResidencyRule &rule : policy.rules)
        toProto(rule, out->add_rules());
    out->set_default_subject(policy.defaultSubject);
    out->set_version(policy.version);
    out->set_applied_unix_ms(policy.appliedUnixMs);
    out->set_applied_by(policy.appliedBy);
}

Decoded<ResidencyPolicy> fromProto(const pb::ResidencyPolicy &policy)
{
    ResidencyPolicy out;
    out.name = policy.name();
    for (const auto &rule : policy.rules()) {
        auto decoded = fromProto(rule);
        if (!decoded)
            return Decoded<ResidencyPolicy>::fail(decoded.error);
        out.rules.push_back(std::move(*decoded.value));
    }
    out.defaultSubject = policy.default_subject();
    out.version = policy.version();
    out.appliedUnixMs = policy.applied_unix_ms();
    out.appliedBy = policy.applied_by();
    return Decoded<ResidencyPolicy>::ok(std::move(out));
}

void toProto(const ResidencyViolation &v, pb::ResidencyViolation *out)
{
    out->set_component(str(v.component));
    out->set_version(str(v.version));
    out->set_node(str(v.node));
    out->set_region(str(v.region));
    out->set_node_jurisdiction(str(v.nodeJurisdiction));
    out->set_policy(str(v.policy));
    out->set_rule(str(v.rule));
    out->set_data_class(str(v.dataClass));
    out->set_mode(toProto(v.mode));
    out->set_reason(str(v.reason));
    out->set_removed(v.removed);
    out->set_resolved(v.resolved);
}

Decoded<ResidencyViolation> fromProto(const pb::ResidencyViolation &v)
{
    const auto mode = fromProto(v.mode());
    if (!mode)
        return Decoded<ResidencyViolation>::fail(QStringLiteral("violation of rule %1: the mode is unspecified").arg(str(v.rule()).left(64)));
    ResidencyViolation out;
    out.component = str(v.component());
    out.version = str(v.version());
    out.node = str(v.node());
    out.region = str(v.region());
    out.nodeJurisdiction = str(v.node_jurisdiction());
    out.policy = str(v.policy());
    out.rule = str(v.rule());
    out.dataClass = str(v.data_class());
    out.mode = *mode;
    out.reason = str(v.reason());
    out.removed = v.removed();
    out.resolved = v.resolved();
    return Decoded<ResidencyViolation>::ok(std::move(out));
}

void toProto(const PolicyImpact &impact, pb::PolicyImpact *out)
{
    for (const ResidencyViolation &v : impact.violations)
        toProto(v, out->add_violations());
    for (const NodeLoss &loss : impact.losses) {
        auto *m = out->add_losses();
        m->set_node(str(loss.node));
        for (const QString &c : loss.components)
            m->add_components(str(c));
    }
    out->set_diff(str(impact.diff));
}

Decoded<PolicyImpact> fromProto(const pb::PolicyImpact &impact)
{
    PolicyImpact out;
    for (const auto &v : impact.violations()) {
        auto violation = fromProto(v);
        if (!violation)
            return Decoded<PolicyImpact>::fail(violation.error);
        out.violations.append(std::move(*violation.value));
    }
    for (const auto &loss : impact.losses()) {
        NodeLoss l{str(loss.node()), {}};
        for (const auto &c : loss.components())
            l.components.append(str(c));
        out.losses.append(std::move(l));
    }
    out.diff = str(impact.diff());
    return Decoded<PolicyImpact>::ok(std::move(out));
}

void toProto(const PolicyRevision &revision, pb::PolicyRevision *out)
{
    out->set_version(revision.version);
    out->set_applied_unix_ms(toUnixMs(revision.applied));
    out->set_applied_by(str(revision.appliedBy));
    out->set_diff(str(revision.diff));
    out->set_rules(uint32_t(revision.rules));
}

PolicyRevision fromProto(const pb::PolicyRevision &revision)
{
    return {revision.version(), fromUnixMs(revision.applied_unix_ms()), str(revision.applied_by()), str(revision.diff()),
            int(revision.rules())};
}

void toProto(const PlacementDecision &d, pb::PlacementDecision *out)
{
    out->set_node(str(d.node));
    out->set_region(str(d.region));
    out->set_jurisdiction(str(d.jurisdiction));
    out->set_allowed(d.allowed);
    out->set_rule(str(d.rule));
    out->set_reason(str(d.reason));
    if (!d.rule.isEmpty())
        out->set_mode(toProto(d.mode));
}

PlacementDecision fromProto(const pb::PlacementDecision &d)
{
    return {str(d.node()), str(d.region()), str(d.jurisdiction()), d.allowed(), str(d.rule()), str(d.reason()),
            fromProto(d.mode()).value_or(ResidencyMode::Enforce)};
}

void toProto(const NodeResidency &residency, pb::NodeResidency *out)
{
    out->set_jurisdiction(str(residency.jurisdiction));
    out->set_default_subject(str(residency.defaultSubject));
    for (const ResidencyRule &rule : residency.rules)
        toProto(rule, out->add_rules());
    for (const ComponentPlacement &placement : residency.placements) {
        auto *p = out->add_placements();
        p->set_component(str(placement.component));
        for (const RegionEndpoints &region : placement.regions) {
            auto *r = p->add_regions();
            r->set_region(str(region.region));
            r->set_jurisdiction(str(region.jurisdiction));
            for (const QString &endpoint : region.endpoints)
                r->add_endpoints(str(endpoint));
        }
    }
    out->set_policy_version(residency.policyVersion);
}

Decoded<NodeResidency> fromProto(const pb::NodeResidency &residency)
{
    NodeResidency out;
    out.jurisdiction = str(residency.jurisdiction());
    out.defaultSubject = str(residency.default_subject());
    for (const auto &rule : residency.rules()) {
        auto decoded = fromProto(rule);
        if (!decoded)
            return Decoded<NodeResidency>::fail(decoded.error);
        out.rules.push_back(std::move(*decoded.value));
    }
    for (const auto &p : residency.placements()) {
        ComponentPlacement placement{str(p.component()), {}};
        for (const auto &r : p.regions()) {
            RegionEndpoints region{str(r.region()), str(r.jurisdiction()), {}};
            for (const auto &endpoint : r.endpoints())
                region.endpoints.append(str(endpoint));
            placement.regions.append(std::move(region));
        }
        out.placements.append(std::move(placement));
    }
    out.policyVersion = residency.policy_version();
    return Decoded<NodeResidency>::ok(std::move(out));
}

} // namespace Keel::Proto
