#pragma once

#include "simmessages.h"

#include <mutex>
#include <string>
#include <vector>

namespace keel::fleetsim {

// The component version a scenario waits for (deploy, rollout): set on the main thread
// before the change is made, read by agents whenever they acknowledge a state.
class DeployTarget final
{
public:
    void set(std::string component, std::string version)
    {
        const std::lock_guard lock(m_mutex);
        m_component = std::move(component);
        m_version = std::move(version);
    }
    bool isIn(const std::vector<SimStatus> &components) const
    {
        const std::lock_guard lock(m_mutex);
        if (m_component.empty())
            return false;
        for (const SimStatus &status : components) {
            if (status.name == m_component && status.version == m_version)
                return true;
        }
        return false;
    }

private:
    mutable std::mutex m_mutex;
    std::string m_component;
    std::string m_version;
};

} // namespace keel::fleetsim
