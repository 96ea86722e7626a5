#pragma once

#include "component.h"
#include "componentconfig.h"
#include "componentlog.h"
#include "engine.h"
#include "inlinepolicy.h"
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

// The residency rules a set is served under (control/controlmessages.h): opaque here,
// swapped with the set and read by the data plane, which enforces them.
struct NodeResidency;

// The set of components a node serves and the workers that run them. dispatch(), find(),
// components() and replace() are safe from any thread. Each component runs on at most
// half the workers (its other requests wait in a short queue of its own), so one that
// hangs cannot starve the others.
//
// The served set is an immutable catalog (name -> Entry) swapped whole by replace():
// a request holds its Entry, so it finishes on the instance it started on while new
// requests already reach the new set; a component's share of the workers and its queue
// (its Lane) carry over from one set to the next under the same name.
class ComponentRuntime final
{
public:
    // Gets "<component>: <line>" for every line a component logged, when flushLogs() runs.
    using LogSink = std::function<void(std::string_view line)>;
    using Done = std::function<void(ComponentResponse)>; // on the thread that ran the request

    struct Options
    {
        std::size_t workers = 0; // 0: one per hardware thread, at least 2
        std::size_t queueCapacity = 256;      // jobs waiting for any worker
        std::size_t componentQueue = 128;     // jobs one component may have waiting
        std::string kvDirectory; // <data-dir>/kv
    };

    enum class Dispatch { Accepted, Unknown, Overloaded };
    // Worker: always on a worker. HereIfFast: on the calling thread, before dispatch()
    // returns, when the component has shown it answers fast (InlinePolicy) and its share
    // of the workers has room; on a worker otherwise.
    enum class Where { Worker, HereIfFast };

private:
    struct Entry;

public:
    // One served component and the residency rules of the set it belongs to, both from
    // the same catalog; dispatch() runs the request on exactly that component, so a
    // request is never checked against one set's rules and run by another set's code.
    class Served
    {
    public:
        explicit operator bool() const { return m_entry != nullptr; }
        const Component &component() const;
        // Null: the set carries no residency rules.
        const NodeResidency *residency() const;

    private:
        friend class ComponentRuntime;
        std::shared_ptr<const Entry> m_entry;
    };

    ComponentRuntime(Options options, LogSink log);
    ~ComponentRuntime();
    ComponentRuntime(const ComponentRuntime &) = delete;
    ComponentRuntime &operator=(const ComponentRuntime &) = delete;

    Engine &interpreter() { return m_interpreter; }

    // Loads, validates and links the component's module on engine without serving it;
    // nullptr with error (naming the component and the reason) when it is refused.
    std::shared_ptr<Component> load(ComponentConfig config, Engine &engine, std::string &error);
    // load(), then serves it beside the components already served; false with error when
    // it is refused or its name is taken.
    bool add(ComponentConfig config, Engine &engine, std::string &error);
    bool add(ComponentConfig config, std::string &error) { return add(std::move(config), m_interpreter, error); }
    // Serves exactly these components from now on (names must be unique), in one step:
    // requests already dispatched finish on the components they were dispatched to, and
    // a component left out answers Unknown from now on.
    // `residency`: the rules the new set is served under (null: none), swapped in the
    // same step, so no request sees new components under old rules or the other way round.
    void replace(const std::vector<std::shared_ptr<Component>> &components,
                 std::shared_ptr<const NodeResidency> residency = nullptr);

    // Writes what the components logged since the last call to the LogSink, on this
    // thread; returns the lines each component had dropped meanwhile (over its rate or
    // its buffer: ComponentLog), for metrics.
    std::vector<std::pair<std::string, std::uint64_t>> flushLogs();

    std::vector<std::shared_ptr<const Component>> components() const;
    std::shared_ptr<const Component> find(std::string_view name) const;
    // The served component of that name with its set's rules; empty when none.
    Served lookup(std::string_view name) const;
    // The served component of that name, to serve again in the next replace() (a swap
    // keeps an unchanged component's code and instances); nullptr when none.
    std::shared_ptr<Component> servedForReuse(std::string_view name) const;
    std::size_t workerCount() const { return m_pool->threadCount(); }
    // How many of a component's requests run now (its live instances are at most this).
    std::size_t runningForTest(std::string_view name) const;

    // Runs the request on a worker; done gets the response there. Unknown: no such
    // component; Overloaded: its share of the workers or the queue is full.
    Dispatch dispatch(std::string_view name, ComponentRequest request, Done done);
    // The same for a component lookup() found (Unknown when served is empty); with
    // Where::HereIfFast done may be called on this thread before dispatch() returns.
    Dispatch dispatch(const Served &served, ComponentRequest request, Done done, Where where = Where::Worker);
    // How often the component lost the calling thread for running past the budget.
    std::uint32_t inlineDemotions(std::string_view name) const;
    // Lets the component run inline at once, as if it had proven fast.
    void promoteInlineForTest(std::string_view name);

private:
    // What one component name may use of the workers, shared by the entries of that name
    // across replace(), so a swap never lets a component exceed its share.
    struct Lane;
    struct Entry
    {
        std::shared_ptr<Component> component;
        std::shared_ptr<Lane> lane;
        std::shared_ptr<const NodeResidency> residency; // the set's, the same in every entry
    };
    struct Job
    {
        std::shared_ptr<const Entry> entry; // the component the request was dispatched to
        ComponentRequest request;
        Done done;
    };
    struct Lane
    {
        std::mutex mutex;
        std::size_t running = 0;   // live instances: inline and on workers
        std::size_t onWorkers = 0; // of those, on workers
        std::deque<Job> waiting;   // beyond the component's share of the workers
        InlinePolicy inlinePolicy;
    };
    using Catalog = std::map<std::string, std::shared_ptr<const Entry>, std::less<>>;

    std::shared_ptr<const Catalog> catalog() const;
    bool post(std::shared_ptr<Job> job);
    std::shared_ptr<Lane> laneFor(std::string_view name) const;
    // Runs the job's request on this thread (its lane counts it as running), hands the
    // answer to its done, then finished().
    void runToEnd(Job &job, bool ranInline);
    static std::size_t instanceLimit(const Entry &entry);
    bool mayStartOnWorker(const Lane &lane, const Entry &entry) const;
    // A job of the entry's lane ended at `now` after `took`: starts waiting ones as far as
    // the share allows.
    void finished(const std::shared_ptr<const Entry> &entry, InlinePolicy::Clock::duration took, bool deadline,
                  bool ranInline, InlinePolicy::Clock::time_point now);

    Options m_options;
    LogSink m_log;
    mutable std::mutex m_logsMutex;
    std::map<std::string, std::shared_ptr<ComponentLog>, std::less<>> m_logs; // by component name
    InterpEngine m_interpreter;
    mutable std::mutex m_catalogMutex; // guards the pointer; a catalog never changes
    std::shared_ptr<const Catalog> m_catalog;
    std::unique_ptr<WorkerPool> m_pool; // last: joined before the components go
};

} // namespace keel::agent
