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
    , m_pool(std::make_unique<WorkerPool>(defaultWorkers(m_options.workers), m_options.queueCapacity))
{
}

ComponentRuntime::~ComponentRuntime()
{
    m_pool.reset(); // no worker may touch a component after this
}

bool ComponentRuntime::add(ComponentConfig config, Engine &engine, std::string &error)
{
    if (m_entries.count(config.name)) {
        error = "component " + config.name + " is defined twice; give each component its own name";
        return false;
    }
    if (config.kvDirectory.empty())
        config.kvDirectory = m_options.kvDirectory;
    auto module = engine.load(config, error);
    if (!module)
        return false;
    const std::string name = config.name;
    auto log = [this, name](std::string_view line) {
        if (m_log)
            m_log(name + ": " + std::string(line));
    };
    std::shared_ptr<Component> component;
    if (config.abi == ComponentConfig::Abi::Wagi)
        component = WagiComponent::create(std::move(config), std::move(module), log, error);
    else
        component = KeelComponent::create(std::move(config), std::move(module), log, error);
    if (!component)
        return false;
    auto entry = std::make_unique<Entry>();
    entry->component = std::move(component);
    m_entries.emplace(name, std::move(entry));
    return true;
}

std::vector<const Component *> ComponentRuntime::components() const
{
    std::vector<const Component *> list;
    for (const auto &[name, entry] : m_entries)
        list.push_back(entry->component.get());
    return list;
}

const Component *ComponentRuntime::find(std::string_view name) const
{
    const auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : it->second->component.get();
}

ComponentRuntime::Dispatch ComponentRuntime::dispatch(std::string_view name, ComponentRequest request, Done done)
{
    const auto it = m_entries.find(name);
    if (it == m_entries.end())
        return Dispatch::Unknown;
    Entry &entry = *it->second;
    const std::size_t share = std::max<std::size_t>(1, m_pool->threadCount() / 2);
    Job job{std::move(request), std::move(done)};
    {
        std::lock_guard lock(entry.mutex);
        if (entry.running >= share) {
            if (entry.waiting.size() >= m_options.componentQueue)
                return Dispatch::Overloaded;
            entry.waiting.push_back(std::move(job));
            return Dispatch::Accepted;
        }
        ++entry.running;
    }
    if (!post(entry, std::make_shared<Job>(std::move(job)))) {
        std::lock_guard lock(entry.mutex);
        --entry.running;
        return Dispatch::Overloaded;
    }
    return Dispatch::Accepted;
}

bool ComponentRuntime::post(Entry &entry, std::shared_ptr<Job> job)
{
    return m_pool->tryPost([this, &entry, job] {
        ComponentResponse response;
        try {
            response = entry.component->handle(job->request);
        } catch (const std::exception &e) {
            // Out of host memory and the like: this request fails, the agent goes on.
            response = ComponentResponse::failure(500, ComponentError::Trap, std::string("host failure: ") + e.what());
        }
        job->done(std::move(response));
        finished(entry);
    });
}

void ComponentRuntime::finished(Entry &entry)
{
    for (;;) {
        std::shared_ptr<Job> next;
        {
            std::lock_guard lock(entry.mutex);
            if (entry.waiting.empty()) {
                --entry.running;
                return;
            }
            next = std::make_shared<Job>(std::move(entry.waiting.front()));
            entry.waiting.pop_front();
        }
        if (post(entry, next))
            return;
        // The shared queue is full: this one fails now rather than waiting unseen.
        next->done(ComponentResponse::failure(503, ComponentError::None, "the agent is overloaded"));
    }
}

} // namespace keel::agent
