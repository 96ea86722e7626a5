#pragma once

#include "fleettypes.h"

#include <variant>

namespace Keel {

// Which nodes a deployment (or a listing) means: "all", or comma-separated key=value
// terms that must all hold, e.g. "region=eu-west", "jurisdiction=EU,tier=edge". The keys
// region, site, jurisdiction and name match those fields; any other key is a label.
class NodeSelector final
{
public:
    // The selector, or a one-line reason naming the bad term.
    static std::variant<NodeSelector, QString> parse(const QString &text);

    bool matches(const Node &node) const;
    // The canonical form: terms sorted, "all" for the empty selector.
    QString text() const;

private:
    QList<std::pair<QString, QString>> m_terms; // empty: all
};

} // namespace Keel
