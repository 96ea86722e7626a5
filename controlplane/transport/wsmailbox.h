#pragma once

#include "wsevent.h"

#include <functional>
#include <mutex>
#include <vector>

namespace Keel {

// Hands events from the network thread to the Qt thread. The first event into an empty
// mailbox wakes the Qt side once (`wake`, called on the network thread); it then takes
// everything there is in one go, so a busy fleet costs one wake-up per batch, not one
// per message.
class WsMailbox final
{
public:
    explicit WsMailbox(std::function<void()> wake);

    void post(WsEvent event);
    std::vector<WsEvent> take();

private:
    std::function<void()> m_wake;
    std::mutex m_mutex;
    std::vector<WsEvent> m_events;
};

} // namespace Keel
