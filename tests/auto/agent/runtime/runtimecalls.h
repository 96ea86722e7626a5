#pragma once

#include "componentruntime.h"

#include <future>
#include <memory>
#include <string>

// Dispatching a request to a ComponentRuntime from a test, without an io thread: the
// answer arrives on a worker and is handed over through a future.
namespace keel::agent::test {

inline std::future<ComponentResponse> send(ComponentRuntime &runtime, const std::string &name, ComponentRequest r)
{
    auto promise = std::make_shared<std::promise<ComponentResponse>>();
    auto future = promise->get_future();
    const auto dispatched = runtime.dispatch(name, std::move(r), [promise](ComponentResponse answer) {
        promise->set_value(std::move(answer));
    });
    if (dispatched != ComponentRuntime::Dispatch::Accepted)
        promise->set_value(ComponentResponse::failure(503, ComponentError::None, "not dispatched"));
    return future;
}

inline ComponentResponse call(ComponentRuntime &runtime, const std::string &name, ComponentRequest r)
{
    return send(runtime, name, std::move(r)).get();
}

} // namespace keel::agent::test
