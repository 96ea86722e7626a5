#include "agent.h"
#include "agentoptions.h"

#include "keelversion.h"

#include <cstdio>

int main(int argc, char *argv[])
{
    using keel::agent::AgentOptions;
    AgentOptions options = AgentOptions::parse(argc, argv);
    switch (options.outcome) {
    case AgentOptions::Outcome::ShowHelp:
        std::fputs(options.message.c_str(), stdout);
        return 0;
    case AgentOptions::Outcome::ShowVersion:
        std::puts("keel-agent " KEEL_VERSION);
        return 0;
    case AgentOptions::Outcome::Invalid:
        std::fprintf(stderr, "%s\n", options.message.c_str());
        return keel::agent::Agent::kExitBadSetup;
    case AgentOptions::Outcome::Run:
        break;
    }
    keel::agent::Agent::raiseOpenFileLimit();
    keel::agent::Agent agent(std::move(options));
    return agent.run();
}
