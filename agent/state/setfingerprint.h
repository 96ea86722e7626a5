#pragma once

#include "control/controlmessages.h"

#include <string>
#include <vector>

namespace keel::agent {

// What makes two desired states, or two versions of a component, the same content for
// the agent: SHA-256 over a canonical, length-prefixed encoding, as lowercase hex. The
// generation is not part of it. Kept in `applied`, so a change here reloads every
// node's set once after an upgrade: fields are only ever added when set.
class SetFingerprint final
{
public:
    // The components in any order (sorted by name first).
    static std::string ofComponents(const std::vector<ComponentRef> &components);
    // A state's content: its components and, when it has any, its standby (a state that
    // differs only there is new content: the standby must change). Without a standby it
    // is ofComponents(components).
    static std::string ofState(const std::vector<ComponentRef> &components, const std::vector<ComponentRef> &standby);
    // The same with the residency rules the state carries (null: none, the fingerprint
    // above): a state that changes only its rules is new content, served in a swap that
    // keeps every component as it is.
    static std::string ofState(const std::vector<ComponentRef> &components, const std::vector<ComponentRef> &standby,
                               const NodeResidency *residency);
    // One component's identity on this agent: its fingerprint and the tier it runs on.
    static std::string identity(const ComponentRef &component, bool onAot);
};

} // namespace keel::agent
