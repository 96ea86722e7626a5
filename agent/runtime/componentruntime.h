#pragma once

#include "component.h"
#include "componentconfig.h"
#include "engine.h"
#include "interp/interpengine.h"
#include "workerpool.h"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// The set of components a node serves and the workers that run them. Components are
// added before serving starts; dispatch() is then safe from any thread. Each component
// runs on at most half the workers (its other requests wait in a short queue of its own),
// so one that hangs cannot starve the others.
class ComponentRuntime final
{
public:
    using LogSink = std::function<void(std::string_view line)>;
    using Done = std::function<void(ComponentResponse)>; // called on a worker thread

    struct Options
    {
        std::size_t workers = 0; // 0: one per hardware thread, at least 2
        std::size_t queueCapacity = 256;      // jobs waiting for any worker
        std::size_t componentQueue = 128;     // jobs one component may have waiting
        std::string kvDirectory; // <data-dir>/kv
    };

    enum class Dispatch { Accepted, Unknown, Overloaded };

    ComponentRuntime(Options options, LogSink log);
    ~ComponentRuntime();
    ComponentRuntime(const ComponentRuntime &) = delete;
    ComponentRuntime &operator=(const ComponentRuntime &) = delete;

    Engine &interpreter() { return m_interpreter; }

    // Loads, validates and links the component's module on engine; false with error
    // (naming the component and the reason) when it is refused.
    bool add(ComponentConfig config, Engine &engine, std::string &error);
    bool add(ComponentConfig config, std::string &error) { return add(std::move(config), m_interpreter, error); }

    std::vector<const Component *> components() const;
    const Component *find(std::string_view name) const;
    std::size_t workerCount() const { return m_pool->threadCount(); }

    // Runs the request on a worker; done gets the response there. Unknown: no such
    // component; Overloaded: its share of the workers or the queue is full.
    Dispatch dispatch(std::string_view name, ComponentRequest request, Done done);

private:
    struct Job
    {
        ComponentRequest request;
        Done done;
    };
    struct Entry
    {
        std::shared_ptr<Component> component;
        std::mutex mutex;
        std::size_t running = 0;
        std::deque<Job> waiting; // beyond the component's share of the workers
    };

    bool post(Entry &entry, std::shared_ptr<Job> job);
    void finished(Entry &entry);

    Options m_options;
    LogSink m_log;
    InterpEngine m_interpreter;
    std::map<std::string, std::unique_ptr<Entry>, std::less<>> m_entries;
    std::unique_ptr<WorkerPool> m_pool; // last: joined before the components go
};

} // namespace keel::agent
