#pragma once

#include "rollouttypes.h"

#include <QJsonObject>

#include <optional>

namespace Keel {

// A rollout as JSON: what `keelctl rollout status -o json` prints and what the store
// keeps (one format, so a stored rollout reads like the operator's view of it):
//   {"id", "component", "version", "baseline_version", "state", "message",
//    "created", "created_by", "updated", "deadline", "spec": {...},
//    "waves": [{"index", "step", "regions", "nodes", "state", "started", "bake_started",
//               "finished", "gates": [{"name", "value", "threshold", "passed",
//               "measured", "requests", "detail"}]}],
//    "failure": {"gate", "nodes", "value", "threshold", "sentence"}}   (when set)
// Times are ISO 8601 UTC with milliseconds; absent when unset.
class RolloutJson final
{
public:
    static QJsonObject toJson(const Rollout &rollout);
    // nullopt with *error when the object is not a rollout written by toJson().
    static std::optional<Rollout> fromJson(const QJsonObject &object, QString *error);

    static QJsonObject toJson(const RolloutSpec &spec);
    static std::optional<RolloutSpec> specFromJson(const QJsonObject &object, QString *error);
};

} // namespace Keel
