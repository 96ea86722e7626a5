#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMap>
#include <QStringList>

#include <optional>

// The component registry's domain types, shared by the control plane and its clients.
// They mirror keel.v1's Manifest and ComponentVersion; only the codec converts.
namespace Keel {

enum class ComponentAbi { Wagi, Keel };
// Unsupported: the module uses a feature the AOT tier cannot translate (aotError says
// which, and where); the version runs on the interpreter and is never built.
enum class AotState { Pending, Building, Ready, Failed, Unsupported };

QString toText(ComponentAbi abi);   // "wagi", "keel"
QString toText(AotState state);     // "pending", "building", "ready", "failed", "unsupported"
std::optional<ComponentAbi> componentAbiFromText(QStringView text);
std::optional<AotState> aotStateFromText(QStringView text);

struct ComponentLimits
{
    quint32 memoryMb = 0;        // 0: the agent's default
    quint32 deadlineMs = 0;
    quint64 maxResponseBytes = 0;
    quint32 maxTableElements = 0;
    quint32 maxInstances = 0;

    bool operator==(const ComponentLimits &) const = default;
};

struct Manifest
{
    QString name;
    QString version;
    ComponentAbi abi = ComponentAbi::Wagi;
    QStringList dataClasses;
    QStringList grants;
    ComponentLimits limits;
    QMap<QString, QString> config;
    // Sent one GET by the agent before it switches traffic to this version; empty: none.
    QString healthPath;

    bool operator==(const Manifest &) const = default;
};

struct ComponentVersion
{
    Manifest manifest;
    QString moduleDigest; // "sha256:<hex>"
    quint64 moduleSize = 0;
    AotState aotState = AotState::Pending;
    QString aotDigest;
    quint64 aotSize = 0;
    QString aotTarget;
    QString aotError;
    QDateTime pushed;
    QString pushedBy;

    bool operator==(const ComponentVersion &) const = default;
};

struct PushedComponent
{
    ComponentVersion version;
    bool created = false; // false: these bytes were already there under this name@version
};

struct AotBuildFinished
{
    QString component;
    QString version;
    QString target;
    QString aotDigest; // empty when it failed
    QString error;

    bool operator==(const AotBuildFinished &) const = default;
};

} // namespace Keel
