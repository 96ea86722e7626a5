#pragma once

#include "fleettypes.h"

#include <QByteArray>

#include <variant>

namespace Keel {

// A topology file (YAML or JSON; yaml-cpp reads both): regions with their jurisdiction,
// coordinates and sites. Errors name the file, the line and what to change. The schema
// is described in docs/topology.md.
class TopologyFile final
{
public:
    static std::variant<QList<Region>, QString> load(const QString &path);
    static std::variant<QList<Region>, QString> parse(const QByteArray &text, const QString &sourceName);
};

} // namespace Keel
