#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// Domain types of the fleet, shared by the control plane and its clients. They mirror the
// keel.v1 messages but carry no protobuf: only the codec converts between the two.
namespace Keel {

using Labels = QMap<QString, QString>;

enum class NodeStatus { Ready, Unreachable };
enum class RuntimeTier { Interpreter, Aot };
enum class Role { Viewer = 1, Operator = 2, Admin = 3 };

QString toText(NodeStatus status);
QString toText(RuntimeTier tier);
QString toText(Role role);

struct Region
{
    QString name;
    QString jurisdiction;
    double latitude = 0;
    double longitude = 0;
    QStringList sites;

    bool operator==(const Region &) const = default;
};

// One component on one node, as the node last reported it (StateAck).
struct ComponentStatus
{
    enum class State { Pending, Running, Failed };
    QString name;
    QString version;
    State state = State::Pending;
    std::optional<RuntimeTier> tier;
    QString error;

    bool operator==(const ComponentStatus &) const = default;
};

QString toText(ComponentStatus::State state); // "pending", "running", "failed"

struct Node
{
    QString name;
    QString region;
    QString site;
    QString jurisdiction;
    Labels labels;
    NodeStatus status = NodeStatus::Unreachable;
    QString agentVersion;
    QDateTime lastSeen;
    QDateTime enrolled;
    QList<RuntimeTier> tiers;
    QString targetTriple;
    QString httpEndpoint;
    QString adminEndpoint;
    // Desired state: the generation the control plane wants, the last one the node
    // applied, and its components (after a refusal, the refused ones show as failed).
    quint64 desiredGeneration = 0;
    quint64 ackedGeneration = 0;
    QList<ComponentStatus> components;

    bool operator==(const Node &) const = default;
};

struct NodeChange
{
    enum class Kind { Joined, Ready, Unreachable, Updated };
    Kind kind = Kind::Updated;
    Node node;
};

struct JoinToken
{
    QString token; // the secret, shown once; ends in "." and the control plane key's sha256
    QString region;
    int uses = 1;
    QDateTime expires;
    QString controlPlaneKeySha256; // "sha256:<hex>"
    QString site;                  // the token's scope; empty: the node's own
    Labels labels;
};

struct TopologyApplied
{
    int regionsCreated = 0;
    int regionsUpdated = 0;
    int sitesCreated = 0;
};

} // namespace Keel
