#include "componentruntime.h"

#include "keelcomponent.h"
#include "wagicomponent.h"

#include <algorithm>
#include <thread>

namespace keel::agent {

namespace {

std::size_t defaultWorkers(std::size_t requested)
{
    if (requested)
        return requested;
    return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

} // namespace

ComponentRuntime::ComponentRuntime(Options options, LogSink log)
    : m_options(std::move(options))
    , m_log(std::move(log))
    , m_catalog(std::make_shared<const Catalog>())
    , m_pool(std::make_unique<WorkerPool>(defaultWorkers(m_options.workers), m_options.queueCapacity))
{
}

ComponentRuntime::~ComponentRuntime()
{
    m_pool.reset(); // no worker may touch a component after this
}

std::shared_ptr<Component> ComponentRuntime::load(ComponentConfig config, Engine &engine, std::string &error)
{
    if (config.kvDirectory.empty())
        config.kvDirectory = m_options.kvDirectory;
    auto module = engine.load(config, error);
    if (!module)
        return nullptr;
    std::shared_ptr<ComponentLog> componentLog;
    {
        std::lock_guard lock(m_logsMutex);
        auto &slot = m_logs[config.name];
        if (!slot)
            slot = std::make_shared<ComponentLog>();
        componentLog = slot;
    }
    auto log = [componentLog](std::string_view line) { componentLog->add(line); };
    std::shared_ptr<Component> component;
    if (config.abi == ComponentConfig::Abi::Wagi)
        component = WagiComponent::create(std::move(config), std::move(module), log, error);
    else
        component = KeelComponent::create(std::move(config), std::move(module), log, error);
    return component;
}

bool ComponentRuntime::add(ComponentConfig config, Engine &engine, std::string &error)
{
    if (catalog()->count(config.name)) {
        error = "component " + config.name + " is defined twice; give each component its own name";
        return false;
    }
    auto component = load(std::move(config), engine, error);
    if (!component)
        return false;
    std::vector<std::shared_ptr<Component>> components;
    for (const auto &[name, entry] : *catalog())
        components.push_back(entry->component);
    components.push_back(std::move(component));
    replace(components);
    return true;
}

void ComponentRuntime::replace(const std::vector<std::shared_ptr<Component>> &components,
                               std::shared_ptr<const NodeResidency> residency)
{
    // The old catalog is released after the lock: destroying components (dlclose, SQLite
    // close) must not hold up dispatch on the io thread.
    std::shared_ptr<const Catalog> previous;
    std::lock_guard lock(m_catalogMutex);
    auto next = std::make_shared<Catalog>();
    for (const auto &component : components) {
        auto entry = std::make_shared<Entry>();
        entry->component = component;
        entry->residency = residency;
        const auto &name = component->config().name;
        if (const auto previous = m_catalog->find(name); previous != m_catalog->end())
            entry->lane = previous->second->lane;
        else
            entry->lane = std::make_shared<Lane>();
        next->emplace(name, std::move(entry));
    }
    // The previous catalog goes when its last dispatched job does (or when `previous`
    // leaves scope, after the lock guard: locals are destroyed in reverse order).
    previous = std::exchange(m_catalog, std::move(next));
}

std::shared_ptr<const ComponentRuntime::Catalog> ComponentRuntime::catalog() const
{
    std::lock_guard lock(m_catalogMutex);
    return m_catalog;
}

std::vector<std::pair<std::string, std::uint64_t>> ComponentRuntime::flushLogs()
{
    std::vector<std::pair<std::string, std::shared_ptr<ComponentLog>>> logs;
    {
        std::lock_guard lock(m_logsMutex);
        for (const auto &[name, log] : m_logs)
            logs.emplace_back(name, log);
    }
    std::vector<std::pair<std::string, std::uint64_t>> dropped;
    for (const auto &[name, log] : logs) {
        ComponentLog::Drained drained = log->drain();
        if (m_log) {
            for (const auto &line : drained.lines)
                m_log(name + ": " + line);
            if (drained.dropped)
                m_log(name + ": " + std::to_string(drained.dropped)
                      + " log lines dropped (over its rate or its buffer; keel_agent_component_log_lines_dropped_total)");
        }
        if (drained.dropped)
            dropped.emplace_back(name, drained.dropped);
    }
    return dropped;
}

std::vector<std::shared_ptr<const Component>> ComponentRuntime::components() const
{
    std::vector<std::shared_ptr<const Component>> list;
    for (const auto &[name, entry] : *catalog())
        list.push_back(entry->component);
    return list;
}

std::shared_ptr<const Component> ComponentRuntime::find(std::string_view name) const
{
    const auto current = catalog();
    const auto it = current->find(name);
    return it == current->end() ? nullptr : std::shared_ptr<const Component>(it->second->component);
}

const Component &ComponentRuntime::Served::component() const
{
    return *m_entry->component;
}

const NodeResidency *ComponentRuntime::Served::residency() const
{
    return m_entry->residency.get();
}

ComponentRuntime::Served ComponentRuntime::lookup(std::string_view name) const
{
    Served served;
    const auto current = catalog();
    if (const auto it = current->find(name); it != current->end())
        served.m_entry = it->second;
    return served;
}

std::size_t ComponentRuntime::runningForTest(std::string_view name) const
{
    const auto lane = laneFor(name);
    if (!lane)
        return 0;
    std::lock_guard lock(lane->mutex);
    return lane->running;
}

std::shared_ptr<Component> ComponentRuntime::servedForReuse(std::string_view name) const
{
    const auto current = catalog();
    const auto it = current->find(name);
    return it == current->end() ? nullptr : it->second->component;
}

ComponentRuntime::Dispatch ComponentRuntime::dispatch(std::string_view name, ComponentRequest request, Done done)
{
    return dispatch(lookup(name), std::move(request), std::move(done));
}

ComponentRuntime::Dispatch ComponentRuntime::dispatch(const Served &served, ComponentRequest request, Done done,
                                                      Where where)
{
    if (!served)
        return Dispatch::Unknown;
    const std::shared_ptr<const Entry> &entry = served.m_entry;
    Lane &lane = *entry->lane;
    Job job{entry, std::move(request), std::move(done)};
    bool here = false;
    {
        std::lock_guard lock(lane.mutex);
        // Inline runs follow one another on the calling thread, so they take no worker;
        // they count as live instances all the same.
        here = where == Where::HereIfFast && lane.running < instanceLimit(*entry) && lane.inlinePolicy.mayRunInline();
        if (!here && !mayStartOnWorker(lane, *entry)) {
            if (lane.waiting.size() >= m_options.componentQueue)
                return Dispatch::Overloaded;
            lane.waiting.push_back(std::move(job));
            return Dispatch::Accepted;
        }
        ++lane.running;
        lane.onWorkers += here ? 0 : 1;
    }
    if (here) {
        runToEnd(job, true);
        return Dispatch::Accepted;
    }
    if (!post(std::make_shared<Job>(std::move(job)))) {
        std::lock_guard lock(lane.mutex);
        --lane.running;
        --lane.onWorkers;
        return Dispatch::Overloaded;
    }
    return Dispatch::Accepted;
}

std::size_t ComponentRuntime::instanceLimit(const Entry &entry)
{
    return std::max<std::uint32_t>(1, entry.component->config().maxInstances);
}

bool ComponentRuntime::mayStartOnWorker(const Lane &lane, const Entry &entry) const
{
    // Half the workers at most, and never more than the component's max_instances: no
    // more of its instances are ever live at once, which bounds its memory.
    const std::size_t share = std::min<std::size_t>(std::max<std::size_t>(1, m_pool->threadCount() / 2),
                                                    instanceLimit(entry));
    return lane.onWorkers < share && lane.running < instanceLimit(entry);
}

std::shared_ptr<ComponentRuntime::Lane> ComponentRuntime::laneFor(std::string_view name) const
{
    const auto current = catalog();
    const auto it = current->find(name);
    return it == current->end() ? nullptr : it->second->lane;
}

std::uint32_t ComponentRuntime::inlineDemotions(std::string_view name) const
{
    const auto lane = laneFor(name);
    if (!lane)
        return 0;
    std::lock_guard lock(lane->mutex);
    return lane->inlinePolicy.demotions();
}

void ComponentRuntime::promoteInlineForTest(std::string_view name)
{
    const auto lane = laneFor(name);
    if (!lane)
        return;
    std::lock_guard lock(lane->mutex);
    const auto now = InlinePolicy::Clock::now();
    for (std::uint32_t i = 0; i < InlinePolicy::kPromoteAfter; ++i)
        lane->inlinePolicy.recordWorker({}, false, now);
}

void ComponentRuntime::runToEnd(Job &job, bool ranInline)
{
    // One reading of the clock at each end: a job run in place starts when the data plane
    // took its request (nothing came between).
    const auto started = ranInline && job.request.received != InlinePolicy::Clock::time_point()
                             ? job.request.received
                             : InlinePolicy::Clock::now();
    job.request.started = started;
    ComponentResponse response;
    try {
        response = job.entry->component->handle(job.request);
    } catch (const std::exception &e) {
        // Out of host memory and the like: this request fails, the agent goes on.
        response = ComponentResponse::failure(500, ComponentError::Trap, std::string("host failure: ") + e.what());
    }
    const auto ended = InlinePolicy::Clock::now();
    response.finished = ended;
    const bool deadline = response.error == ComponentError::Deadline;
    job.done(std::move(response));
    finished(job.entry, ended - started, deadline, ranInline, ended);
}

bool ComponentRuntime::post(std::shared_ptr<Job> job)
{
    return m_pool->tryPost([this, job] { runToEnd(*job, false); });
}

void ComponentRuntime::finished(const std::shared_ptr<const Entry> &entry, InlinePolicy::Clock::duration took,
                                bool deadline, bool ranInline, InlinePolicy::Clock::time_point now)
{
    Lane &lane = *entry->lane;
    std::unique_lock lock(lane.mutex);
    --lane.running;
    if (ranInline) {
        lane.inlinePolicy.recordInline(took, deadline, now);
    } else {
        lane.inlinePolicy.recordWorker(took, deadline, now);
        --lane.onWorkers;
    }
    // Start what waits, as far as the share allows (a job waits on the entry it was
    // dispatched to, which may be an older one than `entry`).
    while (!lane.waiting.empty() && mayStartOnWorker(lane, *lane.waiting.front().entry)) {
        auto next = std::make_shared<Job>(std::move(lane.waiting.front()));
        lane.waiting.pop_front();
        ++lane.running;
        ++lane.onWorkers;
        lock.unlock();
        if (!post(next)) {
            // The shared queue is full: this one fails now rather than waiting unseen.
            lock.lock();
            --lane.running;
            --lane.onWorkers;
            lock.unlock();
            next->done(ComponentResponse::failure(503, ComponentError::None, "the agent is overloaded"));
        }
        lock.lock();
    }
}

} // namespace keel::agent
