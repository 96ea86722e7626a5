#pragma once

// Private to the codec layer: conversions between keel.v1 and domain types shared by
// both channel codecs. Nothing outside controlplane/wire includes this header.

#include "accesstypes.h"
#include "decoded.h"
#include "deploymenttypes.h"
#include "metricstypes.h"
#include "registrytypes.h"
#include "residencytypes.h"
#include "rollouttypes.h"
#include "fleettypes.h"
#include "wireerror.h"

#include "keel/v1/keel.pb.h"

#include <QByteArrayView>

namespace Keel::Proto {

inline QString str(const std::string &s) { return QString::fromStdString(s); }
inline std::string str(const QString &s) { return s.toStdString(); }
inline QByteArray bytes(const std::string &s) { return QByteArray(s.data(), qsizetype(s.size())); }
inline std::string bytes(const QByteArray &b) { return std::string(b.constData(), size_t(b.size())); }

QDateTime fromUnixMs(qint64 ms);
qint64 toUnixMs(const QDateTime &t);

void toProto(const Labels &labels, google::protobuf::RepeatedPtrField<keel::v1::Label> *out);
Labels fromProto(const google::protobuf::RepeatedPtrField<keel::v1::Label> &labels);

keel::v1::RuntimeTier toProto(RuntimeTier tier);
std::optional<RuntimeTier> fromProto(keel::v1::RuntimeTier tier);

void toProto(const Region &region, keel::v1::Region *out);
Region fromProto(const keel::v1::Region &region);

void toProto(const ComponentStatus &status, keel::v1::ComponentStatus *out);
Decoded<ComponentStatus> fromProto(const keel::v1::ComponentStatus &status);

void toProto(const Node &node, keel::v1::Node *out);
// Fails on an unspecified status or tier.
Decoded<Node> fromProto(const keel::v1::Node &node);

keel::v1::ErrorCode toProto(ErrorCode code);
std::optional<ErrorCode> fromProto(keel::v1::ErrorCode code);
void toProto(const WireError &error, keel::v1::Error *out);
Decoded<WireError> fromProto(const keel::v1::Error &error);

// Operator access (accessconvert.cpp).
keel::v1::Role toProto(Role role);
std::optional<Role> fromProto(keel::v1::Role role);
void toProto(const OperatorToken &token, keel::v1::TokenInfo *out);
Decoded<OperatorToken> fromProto(const keel::v1::TokenInfo &token);
void toProto(const AuditRecord &record, keel::v1::AuditRecord *out);
AuditRecord fromProto(const keel::v1::AuditRecord &record);

// The component registry (registryconvert.cpp).
void toProto(const Manifest &manifest, keel::v1::Manifest *out);
Decoded<Manifest> fromProto(const keel::v1::Manifest &manifest);
void toProto(const ComponentVersion &version, keel::v1::ComponentVersion *out);
Decoded<ComponentVersion> fromProto(const keel::v1::ComponentVersion &version);
void toProto(const AotBuildFinished &event, keel::v1::AotBuildFinished *out);
AotBuildFinished fromProto(const keel::v1::AotBuildFinished &event);

// Deployment rules as listed to operators (deploymentconvert.cpp).
void toProto(const DeploymentRule &rule, keel::v1::Deployment *out);
DeploymentRule fromProto(const keel::v1::Deployment &rule);

// Rollouts (rolloutconvert.cpp). Specs and rollouts with an unspecified enum fail.
keel::v1::RolloutAction toProto(RolloutAction action);
std::optional<RolloutAction> fromProto(keel::v1::RolloutAction action);
void toProto(const RolloutSpec &spec, keel::v1::RolloutSpec *out);
Decoded<RolloutSpec> fromProto(const keel::v1::RolloutSpec &spec);
void toProto(const Rollout &rollout, keel::v1::Rollout *out);
Decoded<Rollout> fromProto(const keel::v1::Rollout &rollout);

// Residency (residencyconvert.cpp). Rules with an unspecified mode fail.
std::optional<ResidencyMode> fromProto(keel::v1::ResidencyMode mode);
keel::v1::ResidencyMode toProto(ResidencyMode mode);
void toProto(const ResidencyRule &rule, keel::v1::ResidencyRule *out);
Decoded<ResidencyRule> fromProto(const keel::v1::ResidencyRule &rule);
void toProto(const ResidencyPolicy &policy, keel::v1::ResidencyPolicy *out);
Decoded<ResidencyPolicy> fromProto(const keel::v1::ResidencyPolicy &policy);
void toProto(const ResidencyViolation &violation, keel::v1::ResidencyViolation *out);
Decoded<ResidencyViolation> fromProto(const keel::v1::ResidencyViolation &violation);
void toProto(const PolicyImpact &impact, keel::v1::PolicyImpact *out);
Decoded<PolicyImpact> fromProto(const keel::v1::PolicyImpact &impact);
void toProto(const PolicyRevision &revision, keel::v1::PolicyRevision *out);
PolicyRevision fromProto(const keel::v1::PolicyRevision &revision);
void toProto(const PlacementDecision &decision, keel::v1::PlacementDecision *out);
PlacementDecision fromProto(const keel::v1::PlacementDecision &decision);
void toProto(const NodeResidency &residency, keel::v1::NodeResidency *out);
Decoded<NodeResidency> fromProto(const keel::v1::NodeResidency &residency);

void toProto(const MetricsWindow &window, keel::v1::MetricsWindow *out);
MetricsWindow fromProto(const keel::v1::MetricsWindow &window);

QByteArray serialize(const keel::v1::Envelope &envelope);
// Parses one frame; fails on bytes that are not an Envelope or carry no known body.
Decoded<keel::v1::Envelope> parseEnvelope(QByteArrayView frame);

} // namespace Keel::Proto
