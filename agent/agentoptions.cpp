#include "agentoptions.h"

#include <filesystem>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/program_options.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace po = boost::program_options;

namespace keel::agent {

namespace {

constexpr std::string_view kNameRule =
    "use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
constexpr std::string_view kListenRule =
    "use HOST:PORT with an IP address, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)";

std::string invalid(std::string_view what, std::string_view value, std::string_view todo)
{
    std::string line = "keel-agent: ";
    line.append(what).append(": ").append(value).append(": ").append(todo);
    return line;
}

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// Node, region and site names end up in DNS-like places and metric labels.
bool isName(std::string_view s)
{
    if (s.empty() || s.size() > 63 || !isLowerAlnum(s.front()))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return isLowerAlnum(c) || c == '-'; });
}

bool isLabelKey(std::string_view s)
{
    if (s.empty() || s.size() > 63 || !isAlnum(s.front()))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '/';
    });
}

bool isLabelValue(std::string_view s)
{
    return s.size() <= 63 && std::all_of(s.begin(), s.end(), [](char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '-';
    });
}

bool parsePort(std::string_view text, bool allowZero, std::uint16_t &port)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535
        || (!allowZero && value == 0))
        return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool parseListen(std::string_view text, ListenAddress &out)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return false;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
        return false; // an IPv6 literal needs brackets
    if (host == "localhost")
        host = "127.0.0.1";
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec || !parsePort(text.substr(colon + 1), true, out.port))
        return false;
    out.host = address.to_string();
    return true;
}

// Returns an empty string when the URL is usable, else what to do about it.
std::string parseControlPlane(std::string_view text, ControlPlaneAddress &out)
{
    const std::string_view rule = "use ws://HOST:PORT or wss://HOST:PORT, optionally with a path (default /v1/agent)";
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed)
        return std::string(rule);
    const auto url = *parsed;
    if ((url.scheme() != "ws" && url.scheme() != "wss") || url.has_userinfo() || url.has_fragment() || url.host().empty())
        return std::string(rule);
    out.tls = url.scheme() == "wss";
    out.url = std::string(text);
    out.host = url.host_type() == boost::urls::host_type::ipv6
                   ? url.host_ipv6_address().to_string()
                   : std::string(url.host());
    std::uint16_t port = out.tls ? 443 : 80;
    if (url.has_port() && !parsePort(url.port(), false, port))
        return "use a port from 1 to 65535, e.g. ws://cp.example:7443";
    out.port = std::to_string(port);
    // "ws://host:port/" names no path either.
    const bool noPath = url.encoded_path().empty() || url.encoded_path() == "/";
    out.path = noPath ? "/v1/agent" : std::string(url.encoded_path());
    if (url.has_query())
        out.path.append("?").append(url.encoded_query());
    return {};
}

// Returns an empty string when the URL is one clients can be sent to, else what to do.
// Only a base URL: the data plane serves components at /<name>/ below it.
std::string parseAdvertiseHttp(std::string_view text, std::string &out)
{
    constexpr std::string_view example = ", e.g. http://edge-eu-1.example:8080";
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed || (parsed->scheme_id() != boost::urls::scheme::http && parsed->scheme_id() != boost::urls::scheme::https))
        return "use the http:// or https:// base URL clients reach this node's --http port at" + std::string(example);
    const auto url = *parsed;
    if (url.host().empty())
        return "name the host clients reach this node at" + std::string(example);
    if (url.has_userinfo())
        return "leave out the user and password" + std::string(example);
    if (url.has_query() || url.has_fragment())
        return "leave out the query and fragment" + std::string(example);
    if (!url.encoded_path().empty() && url.encoded_path() != "/")
        return "leave out the path: components are served at /NAME/ below the base URL" + std::string(example);
    std::uint16_t port = 0;
    if (url.has_port() && !parsePort(url.port(), false, port))
        return "use a port from 1 to 65535" + std::string(example);
    out = std::string(text);
    if (!out.empty() && out.back() == '/')
        out.pop_back();
    return {};
}

bool isKeyDigest(std::string_view text)
{
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string parseLabels(std::string_view text, std::vector<std::pair<std::string, std::string>> &out)
{
    const std::string_view rule = "write KEY=VALUE pairs separated by commas, e.g. tier=gold,zone=a";
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        const auto pair = text.substr(start, comma - start);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || !isLabelKey(pair.substr(0, eq))
            || !isLabelValue(pair.substr(eq + 1)))
            return std::string(rule);
        std::string key(pair.substr(0, eq));
        if (std::any_of(out.begin(), out.end(), [&](const auto &l) { return l.first == key; }))
            return "label " + key + " is given twice; give each key once";
        out.emplace_back(std::move(key), std::string(pair.substr(eq + 1)));
        start = comma + 1;
    }
    return {};
}

// program_options does not name the stray word, so find it for the message.
std::string firstPositional(int argc, const char *const argv[])
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.empty() || arg.front() != '-')
            return std::string(arg);
        if (arg.find('=') == std::string_view::npos && arg != "--help" && arg != "--version")
            ++i; // its value
    }
    return "?";
}

std::string formatListen(const ListenAddress &a)
{
    return (a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host) + ":"
           + std::to_string(a.port);
}

} // namespace

AgentOptions AgentOptions::parse(int argc, const char *const argv[])
{
    AgentOptions o;
    po::options_description desc(
        "Usage: keel-agent --name NAME --region REGION --data-dir DIR [options]\n\n"
        "Runs one Keel edge node: serves its components over HTTP and follows the control plane.\n"
        "Without --controlplane it runs standalone, e.g. with --components DIR.\n\n"
        "Options");
    // clang-format off
    desc.add_options()
        ("controlplane", po::value<std::string>()->value_name("URL"),
         "control plane to enroll with: ws://HOST:PORT[/PATH] or wss://... (PATH defaults to /v1/agent);"
         " without it the agent runs standalone")
        ("ca", po::value<std::string>()->value_name("FILE"),
         "PEM CA certificate(s) to trust for a wss:// control plane (default: the system's)")
        ("join-token", po::value<std::string>()->value_name("TOKEN"),
         "one-time join token; needed only the first time a node enrolls. A token from keelctl"
         " join-token create carries the control plane's key fingerprint, which the first Welcome must match")
        ("controlplane-key-sha256", po::value<std::string>()->value_name("HEX"),
         "the sha256 of the control plane's public key (keelctl join-token create prints it): a control"
         " plane presenting another key is refused before anything is pinned")
        ("name", po::value<std::string>()->value_name("NAME"),
         "node name, [a-z0-9][a-z0-9-]{0,62} (required)")
        ("region", po::value<std::string>()->value_name("REGION"),
         "region the node runs in, same characters as NAME (required)")
        ("site", po::value<std::string>()->value_name("SITE"), "site within the region")
        ("labels", po::value<std::string>()->value_name("K=V,..."), "node labels, e.g. tier=gold,zone=a")
        ("data-dir", po::value<std::string>()->value_name("DIR"),
         "where the node keeps its key and state; created if absent (required)")
        ("components", po::value<std::string>()->value_name("DIR"),
         "serve the components whose manifests (*.yaml, *.yml, *.json) are directly in DIR;"
         " a bad one is logged and skipped")
        ("http", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:8080"),
         "data-plane listen address; port 0 picks a free port")
        ("admin", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:9090"),
         "admin listen address (/healthz, /readyz, /metrics); port 0 picks a free port")
        ("advertise-http", po::value<std::string>()->value_name("URL"),
         "the base URL clients should use for this node's components, e.g. http://edge-eu-1.example:8080;"
         " sent to the control plane, which offers it in other nodes' 451 answers (default: http://HOST:PORT"
         " of --http, with this machine's host name when HOST is 0.0.0.0 or ::)")
        ("help", "print this help and exit")
        ("version", "print the version and exit");
    // clang-format on

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv)
                      .options(desc)
                      .positional({}) // no bare arguments: a stray word is a typo
                      .style(po::command_line_style::unix_style
                             & ~po::command_line_style::allow_guessing)
                      .run(),
                  vm);
    } catch (const po::unknown_option &e) {
        o.message = invalid("unknown option", e.get_option_name(), "run keel-agent --help for the options");
        return o;
    } catch (const po::too_many_positional_options_error &) {
        o.message = invalid("unexpected argument", firstPositional(argc, argv),
                            "every setting is an option, e.g. --name edge-1");
        return o;
    } catch (const po::invalid_command_line_syntax &e) {
        o.message = e.kind() == po::invalid_syntax::missing_parameter
                        ? invalid(e.get_option_name(), "no value",
                                  "give it one, e.g. " + e.get_option_name() + " VALUE")
                        : invalid("command line", e.what(), "run keel-agent --help for the usage");
        return o;
    } catch (const po::multiple_occurrences &e) {
        o.message = invalid(e.get_option_name(), "given more than once", "give it once");
        return o;
    } catch (const po::error &e) {
        o.message = invalid("command line", e.what(), "run keel-agent --help for the usage");
        return o;
    }

    if (vm.count("help")) {
        std::ostringstream usage;
        usage << desc << '\n';
        o.message = usage.str();
        o.outcome = Outcome::ShowHelp;
        return o;
    }
    if (vm.count("version")) {
        o.outcome = Outcome::ShowVersion;
        return o;
    }

    auto text = [&](const char *key) -> std::string {
        return vm.count(key) ? vm[key].as<std::string>() : std::string();
    };

    o.name = text("name");
    if (!vm.count("name")) {
        o.message = invalid("--name", "missing", "pass the node's name, e.g. --name edge-1");
        return o;
    }
    if (!isName(o.name)) {
        o.message = invalid("--name", o.name, kNameRule);
        return o;
    }
    o.region = text("region");
    if (!vm.count("region")) {
        o.message = invalid("--region", "missing", "pass the node's region, e.g. --region eu-west");
        return o;
    }
    if (!isName(o.region)) {
        o.message = invalid("--region", o.region, kNameRule);
        return o;
    }
    o.site = text("site");
    if (vm.count("site") && !isName(o.site)) {
        o.message = invalid("--site", o.site, kNameRule);
        return o;
    }
    if (vm.count("labels")) {
        if (auto todo = parseLabels(text("labels"), o.labels); !todo.empty()) {
            o.message = invalid("--labels", text("labels"), todo);
            return o;
        }
    }
    o.dataDir = text("data-dir");
    if (o.dataDir.empty()) {
        o.message = invalid("--data-dir", vm.count("data-dir") ? "empty" : "missing",
                            "pass a directory for the node's key and state, e.g. --data-dir /var/lib/keel");
        return o;
    }
    if (vm.count("components")) {
        o.componentsDir = text("components");
        // Whether it exists is the agent's to check at start, with the data dir.
        if (o.componentsDir.empty()) {
            o.message = invalid("--components", "empty",
                                "pass a directory of component manifests, e.g. --components /etc/keel/components");
            return o;
        }
    }
    if (!parseListen(text("http"), o.http)) {
        o.message = invalid("--http", text("http"), kListenRule);
        return o;
    }
    if (!parseListen(text("admin"), o.admin)) {
        o.message = invalid("--admin", text("admin"), kListenRule);
        return o;
    }
    if (o.http.port != 0 && o.http.port == o.admin.port && o.http.host == o.admin.host) {
        o.message = invalid("--admin", formatListen(o.admin), "use another address than --http");
        return o;
    }
    if (vm.count("advertise-http")) {
        if (auto todo = parseAdvertiseHttp(text("advertise-http"), o.advertiseHttp); !todo.empty()) {
            o.message = invalid("--advertise-http", text("advertise-http").empty() ? "empty" : text("advertise-http"), todo);
            return o;
        }
    }
    if (vm.count("controlplane")) {
        if (auto todo = parseControlPlane(text("controlplane"), o.controlPlane); !todo.empty()) {
            o.message = invalid("--controlplane", text("controlplane"), todo);
            return o;
        }
        o.hasControlPlane = true;
    }
    if (vm.count("ca")) {
        o.controlPlane.caFile = text("ca");
        if (!o.controlPlane.tls) {
            o.message = invalid("--ca", o.controlPlane.caFile, "only a wss:// control plane uses it: drop it or use wss://");
            return o;
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.controlPlane.caFile, ec)) {
            o.message = invalid("--ca", o.controlPlane.caFile, "not a readable file: pass the PEM file of the CA");
            return o;
        }
    }
    o.joinToken = text("join-token");
    if (vm.count("join-token")) {
        const bool printable = std::all_of(o.joinToken.begin(), o.joinToken.end(),
                                           [](char c) { return c > ' ' && c < 0x7f; });
        if (o.joinToken.empty() || o.joinToken.size() > 512 || !printable) {
            o.message = invalid("--join-token", o.joinToken.empty() ? "empty" : "not printable",
                                "pass the token exactly as the control plane issued it");
            return o;
        }
        if (!o.hasControlPlane) {
            o.message = invalid("--join-token", "given without --controlplane",
                                "pass --controlplane URL too, or drop the token");
            return o;
        }
        // "<secret>.<64 hex digits>": the control plane's key fingerprint travels with the token.
        const auto dot = o.joinToken.rfind('.');
        if (dot != std::string::npos && isKeyDigest(std::string_view(o.joinToken).substr(dot + 1))) {
            o.controlPlaneKeySha256 = "sha256:" + lower(o.joinToken.substr(dot + 1));
            o.controlPlaneKeyFromToken = true;
        }
    }
    if (vm.count("controlplane-key-sha256")) {
        std::string digest = text("controlplane-key-sha256");
        if (digest.rfind("sha256:", 0) == 0)
            digest.erase(0, 7);
        if (!isKeyDigest(digest)) {
            o.message = invalid("--controlplane-key-sha256", text("controlplane-key-sha256"),
                                "pass the 64 hex digits keelctl join-token create printed (sha256:... is fine too)");
            return o;
        }
        if (!o.hasControlPlane) {
            o.message = invalid("--controlplane-key-sha256", "given without --controlplane",
                                "pass --controlplane URL too, or drop it");
            return o;
        }
        const std::string flag = "sha256:" + lower(digest);
        if (o.controlPlaneKeyFromToken && flag != o.controlPlaneKeySha256) {
            o.message = invalid("--controlplane-key-sha256", flag,
                                "the join token names another key (" + o.controlPlaneKeySha256
                                    + "): pass the token and the fingerprint of the same control plane");
            return o;
        }
        o.controlPlaneKeySha256 = flag;
        o.controlPlaneKeyFromToken = false;
    }
    o.outcome = Outcome::Run;
    return o;
}

std::string AgentOptions::advertisedHttp(const std::string &boundHost, std::uint16_t boundPort) const
{
    if (!advertiseHttp.empty())
        return advertiseHttp;
    const std::string port = ":" + std::to_string(boundPort);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(boundHost, ec);
    if (ec)
        return "http://" + boundHost + port;
    if (address.is_unspecified()) {
        // Bound to every address: none of them is the one clients use, the name is.
        boost::system::error_code nameError;
        const std::string name = boost::asio::ip::host_name(nameError);
        if (!nameError && !name.empty())
            return "http://" + name + port;
    }
    return "http://" + (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + port;
}

} // namespace keel::agent
