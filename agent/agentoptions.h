#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace keel::agent {

// A listen address as given on the command line; the host is an IP literal.
struct ListenAddress
{
    std::string host;
    std::uint16_t port = 0;
};

// Where the control plane listens: ws://HOST:PORT/PATH, split for the resolver.
struct ControlPlaneAddress
{
    std::string url;  // as the operator wrote it, for messages
    std::string host; // without brackets for IPv6 literals
    std::string port;
    std::string path; // "/v1/agent" when the URL has none
    bool tls = false;  // wss://
    std::string caFile; // --ca: PEM CA certificates to trust for wss:// (empty: the system's)
};

struct AgentOptions
{
    enum class Outcome { Run, ShowHelp, ShowVersion, Invalid };

    Outcome outcome = Outcome::Invalid;
    // Outcome::Invalid: one line "keel-agent: <what>: <value>: <what to do>".
    // Outcome::ShowHelp: the usage text.
    std::string message;

    bool hasControlPlane = false; // false: standalone, serving HTTP only
    ControlPlaneAddress controlPlane;
    std::string joinToken;
    // "sha256:<hex>" of the control plane's key that first contact must present: from
    // --controlplane-key-sha256, else carried in the join token; empty: trust on first use.
    std::string controlPlaneKeySha256;
    bool controlPlaneKeyFromToken = false; // taken from the join token, not the flag
    std::string name;
    std::string region;
    std::string site;
    std::vector<std::pair<std::string, std::string>> labels;
    std::string dataDir;
    // Manifests (*.yaml, *.yml, *.json) of the components to serve; empty: none.
    std::string componentsDir;
    ListenAddress http{"127.0.0.1", 8080};
    ListenAddress admin{"127.0.0.1", 9090};
    // --advertise-http: the base URL clients should use for this node's components
    // ("http://edge-eu-1.example:8080"), without a trailing slash; empty: derived from
    // the address --http is bound to (advertisedHttp()).
    std::string advertiseHttp;

    // The URL sent to the control plane as Hello.http_endpoint and offered in other
    // nodes' 451 answers: --advertise-http, else "http://HOST:PORT" of the bound data
    // port, with the machine's host name when it is bound to every address.
    std::string advertisedHttp(const std::string &boundHost, std::uint16_t boundPort) const;

    // Never throws: every problem becomes Outcome::Invalid with a message.
    static AgentOptions parse(int argc, const char *const argv[]);
};

} // namespace keel::agent
