#include "wsmailbox.h"

namespace Keel {

WsMailbox::WsMailbox(std::function<void()> wake)
    : m_wake(std::move(wake))
{
}

void WsMailbox::post(WsEvent event)
{
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_events.empty();
        m_events.push_back(std::move(event));
    }
    if (wasEmpty)
        m_wake();
}

std::vector<WsEvent> WsMailbox::take()
{
    std::vector<WsEvent> events;
    std::lock_guard lock(m_mutex);
    events.swap(m_events);
    return events;
}

} // namespace Keel
