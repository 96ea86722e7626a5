#pragma once

#include "accesstypes.h"
#include "deploymenttypes.h"
#include "fleettypes.h"
#include "metricstypes.h"
#include "registrytypes.h"
#include "residencytypes.h"
#include "rollouttypes.h"
#include "wireerror.h"

#include <variant>

// Domain form of the /v1/operator messages. The codec maps them to and from keel.v1.
namespace Keel {

enum class WatchTopic { Nodes, Topology, Deployments, Metrics, Rollouts, Violations, Audit };

namespace Op {
struct ListRegions {};
struct ApplyTopology { QList<Region> regions; };
struct ListNodes { QString selector; };
struct GetNode { QString name; };
struct CreateJoinToken { QString region; int uses = 1; int ttlSeconds = 0; QString site; Labels labels; };
struct LabelNode { QString name; Labels labels; QStringList remove; };
struct WhoAmI {};
struct Watch { QList<WatchTopic> topics; quint64 resumeAfterSequence = 0; QString resumeEpoch; };
struct CreateToken { Role role = Role::Viewer; QString name; int ttlSeconds = 0; };
struct ListTokens {};
struct RevokeToken { QString id; };
struct ListAudit { QDateTime since; int limit = 0; quint64 afterSequence = 0; };
struct PushComponent { Manifest manifest; QByteArray module; };
struct ListComponents { QString name; }; // empty: all
struct Deploy { QString component; QString version; QString selector; bool skipDisallowed = false; };
struct Undeploy { QString component; QString selector; };
struct QueryMetrics { QString component; QString region; QString node; QDateTime since; };
struct ListDeployments { QString component; }; // empty: all
struct StartRollout { RolloutSpec spec; };
struct GetRollout { QString id; };
struct ListRollouts { QString component; }; // empty: all
struct ControlRollout { QString id; RolloutAction action = RolloutAction::Pause; };
struct SetPolicy { ResidencyPolicy policy; bool dryRun = false; quint64 expectedVersion = 0; };
struct GetPolicy { quint64 version = 0; }; // 0: the current one
struct ListPolicyHistory {};
struct ListViolations {};
struct CheckPlacement { QString component; QString version; QString selector; };
// A request the contract defines but this build does not serve yet; answered UNIMPLEMENTED.
struct Unsupported { QString name; };
// A well-formed request with a field value no receiver accepts (an unspecified enum, a
// number out of range); answered BAD_REQUEST naming the field, the connection stays.
struct Invalid { QString request; QString field; QString message; };

struct RegionList { QList<Region> regions; };
struct NodeList { QList<Node> nodes; };
struct NodeDetail { Node node; };
struct NodeLabeled { Node node; };
struct Identity { QString principal; OperatorToken token; };
struct WatchStarted { quint64 currentSequence = 0; QString epoch; };
struct TokenList { QList<OperatorToken> tokens; };
struct TokenRevoked {};
struct AuditList { QList<AuditRecord> records; bool truncated = false; };
struct ComponentList { QList<ComponentVersion> versions; };
struct Deployed { int nodesMatched = 0; QList<PlacementDecision> skipped; };
struct Undeployed { int nodesMatched = 0; };
struct MetricsWindows { QList<MetricsWindow> windows; };
struct DeploymentList { QList<DeploymentRule> deployments; }; // in the order they apply
struct RolloutStarted { Rollout rollout; };
struct RolloutDetail { Rollout rollout; };
struct RolloutList { QList<Rollout> rollouts; }; // newest first
struct RolloutControlled { Rollout rollout; };
struct PolicySet { ResidencyPolicy policy; PolicyImpact impact; }; // dry run: as it would be
struct PolicyDetail { ResidencyPolicy policy; };
struct PolicyHistory { QList<PolicyRevision> revisions; }; // newest first
struct ViolationList { QList<ResidencyViolation> violations; quint64 policyVersion = 0; };
struct PlacementCheck { QList<PlacementDecision> decisions; }; // one per matching node
} // namespace Op

using OperatorRequestBody = std::variant<Op::ListRegions, Op::ApplyTopology, Op::ListNodes,
                                         Op::GetNode, Op::CreateJoinToken, Op::Watch,
                                         Op::CreateToken, Op::ListTokens, Op::RevokeToken,
                                         Op::ListAudit, Op::PushComponent, Op::ListComponents,
                                         Op::Deploy, Op::Undeploy, Op::QueryMetrics, Op::Unsupported,
                                         Op::Invalid, Op::LabelNode, Op::WhoAmI, Op::ListDeployments,
                                         Op::StartRollout, Op::GetRollout, Op::ListRollouts, Op::ControlRollout,
                                         Op::SetPolicy, Op::GetPolicy, Op::ListPolicyHistory, Op::ListViolations,
                                         Op::CheckPlacement>;

struct OperatorRequest
{
    quint64 id = 0;
    OperatorRequestBody body;
};

using OperatorResponseBody = std::variant<WireError, Op::RegionList, TopologyApplied,
                                          Op::NodeList, Op::NodeDetail, JoinToken,
                                          Op::WatchStarted, CreatedToken, Op::TokenList,
                                          Op::TokenRevoked, Op::AuditList, PushedComponent,
                                          Op::ComponentList, Op::Deployed, Op::Undeployed, Op::MetricsWindows,
                                          Op::NodeLabeled, Op::Identity, Op::DeploymentList,
                                          Op::RolloutStarted, Op::RolloutDetail, Op::RolloutList, Op::RolloutControlled,
                                          Op::PolicySet, Op::PolicyDetail, Op::PolicyHistory, Op::ViolationList,
                                          Op::PlacementCheck>;

struct OperatorResponse
{
    quint64 id = 0;
    OperatorResponseBody body;
};

struct TopologyChange { QList<Region> regions; };

using WatchEventBody = std::variant<NodeChange, TopologyChange, AuditRecord, AotBuildFinished, DeploymentChange,
                                    StateAckRecord, MetricsWindow, RolloutEvent, ResidencyViolation, PolicyChange>;

struct WatchEvent
{
    quint64 sequence = 0;
    QDateTime time;
    WatchEventBody event;
};

// What a client can receive: an answer to one of its requests, or a pushed event.
using OperatorServerMessage = std::variant<OperatorResponse, WatchEvent>;

} // namespace Keel
