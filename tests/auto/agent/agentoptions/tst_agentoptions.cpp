#include "agentoptions.h"

#include <QTest>

#include <unistd.h>

#include <string>
#include <vector>

using keel::agent::AgentOptions;

namespace {

AgentOptions parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "keel-agent");
    std::vector<const char *> argv;
    for (const auto &arg : args)
        argv.push_back(arg.c_str());
    return AgentOptions::parse(int(argv.size()), argv.data());
}

std::vector<std::string> required(std::vector<std::string> extra = {})
{
    std::vector<std::string> args{"--name", "edge-1", "--region", "eu-west", "--data-dir", "/tmp/keel"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

class tst_AgentOptions : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        const auto o = parse(required());
        QCOMPARE(o.outcome, AgentOptions::Outcome::Run);
        QCOMPARE(o.name, std::string("edge-1"));
        QCOMPARE(o.region, std::string("eu-west"));
        QCOMPARE(o.dataDir, std::string("/tmp/keel"));
        QVERIFY(!o.hasControlPlane);
        QVERIFY(o.componentsDir.empty());
        QCOMPARE(o.http.host, std::string("127.0.0.1"));
        QCOMPARE(o.http.port, 8080);
        QCOMPARE(o.admin.port, 9090);
    }

    void everything()
    {
        const auto o = parse(required({"--controlplane", "ws://cp.example:7443", "--join-token", "kjt_abc",
                                       "--site", "dub-1", "--labels", "tier=gold,zone=a",
                                       "--http", "[::1]:0", "--admin", "0.0.0.0:0"}));
        QCOMPARE(o.outcome, AgentOptions::Outcome::Run);
        QVERIFY(o.hasControlPlane);
        QCOMPARE(o.controlPlane.host, std::string("cp.example"));
        QCOMPARE(o.controlPlane.port, std::string("7443"));
        QCOMPARE(o.controlPlane.path, std::string("/v1/agent"));
        QCOMPARE(o.joinToken, std::string("kjt_abc"));
        QCOMPARE(o.site, std::string("dub-1"));
        QCOMPARE(o.labels.size(), size_t(2));
        QCOMPARE(o.labels[1].first, std::string("zone"));
        QCOMPARE(o.labels[1].second, std::string("a"));
        QCOMPARE(o.http.host, std::string("::1"));
        QCOMPARE(o.http.port, 0);
        QCOMPARE(o.admin.host, std::string("0.0.0.0"));
    }

    void components()
    {
        // Standalone and with a control plane alike.
        QCOMPARE(parse(required({"--components", "/etc/keel/components"})).componentsDir,
                 std::string("/etc/keel/components"));
        const auto o = parse(required({"--controlplane", "ws://cp:7070", "--components", "c"}));
        QCOMPARE(o.outcome, AgentOptions::Outcome::Run);
        QVERIFY(o.hasControlPlane);
        QCOMPARE(o.componentsDir, std::string("c"));
    }

    void controlPlaneUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("path");
        QTest::newRow("no path") << "ws://127.0.0.1:7000" << "127.0.0.1" << "7000" << "/v1/agent";
        QTest::newRow("slash") << "ws://127.0.0.1:7000/" << "127.0.0.1" << "7000" << "/v1/agent";
        QTest::newRow("own path") << "ws://h:1/edge/v1/agent" << "h" << "1" << "/edge/v1/agent";
        QTest::newRow("default port") << "ws://h" << "h" << "80" << "/v1/agent";
        QTest::newRow("ipv6") << "ws://[::1]:9" << "::1" << "9" << "/v1/agent";
    }

    void controlPlaneUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, host);
        QFETCH(QString, port);
        QFETCH(QString, path);
        const auto o = parse(required({"--controlplane", url.toStdString()}));
        QCOMPARE(o.outcome, AgentOptions::Outcome::Run);
        QCOMPARE(QString::fromStdString(o.controlPlane.host), host);
        QCOMPARE(QString::fromStdString(o.controlPlane.port), port);
        QCOMPARE(QString::fromStdString(o.controlPlane.path), path);
        QCOMPARE(QString::fromStdString(o.controlPlane.url), url);
    }

    // The control plane's key fingerprint: carried by a token from keelctl, or the flag.
    void controlPlaneKeyFingerprint()
    {
        const std::string hex(64, 'c');
        const auto fromToken = parse(required({"--controlplane", "ws://cp:1", "--join-token", "kjt_secret." + hex}));
        QCOMPARE(fromToken.outcome, AgentOptions::Outcome::Run);
        QCOMPARE(fromToken.controlPlaneKeySha256, "sha256:" + hex);
        QVERIFY(fromToken.controlPlaneKeyFromToken);
        const auto fromFlag = parse(required({"--controlplane", "ws://cp:1", "--controlplane-key-sha256", "sha256:" + std::string(64, 'D')}));
        QCOMPARE(fromFlag.outcome, AgentOptions::Outcome::Run);
        QCOMPARE(fromFlag.controlPlaneKeySha256, "sha256:" + std::string(64, 'd'));
        const auto plain = parse(required({"--controlplane", "ws://cp:1", "--join-token", "kjt_secret"}));
        QVERIFY(plain.controlPlaneKeySha256.empty());
    }

    void advertiseHttp_data()
    {
        QTest::addColumn<QString>("flag"); // empty: not given
        QTest::addColumn<QString>("bound");
        QTest::addColumn<QString>("advertised");
        QTest::newRow("default") << "" << "127.0.0.1" << "http://127.0.0.1:8081";
        QTest::newRow("default ipv6") << "" << "::1" << "http://[::1]:8081";
        QTest::newRow("given") << "http://edge-eu-1.example:8080" << "0.0.0.0" << "http://edge-eu-1.example:8080";
        QTest::newRow("trailing slash dropped") << "https://edge.example/" << "127.0.0.1" << "https://edge.example";
        QTest::newRow("ipv6 literal") << "http://[2001:db8::1]:80" << "::" << "http://[2001:db8::1]:80";
    }

    void advertiseHttp()
    {
        QFETCH(QString, flag);
        QFETCH(QString, bound);
        QFETCH(QString, advertised);
        const auto o = parse(required(flag.isEmpty() ? std::vector<std::string>{}
                                                     : std::vector<std::string>{"--advertise-http", flag.toStdString()}));
        QCOMPARE(o.outcome, AgentOptions::Outcome::Run);
        QCOMPARE(QString::fromStdString(o.advertisedHttp(bound.toStdString(), 8081)), advertised);
    }

    void advertiseHttpOnEveryAddressNamesTheMachine()
    {
        const auto o = parse(required());
        char host[256] = {};
        QCOMPARE(gethostname(host, sizeof host - 1), 0);
        QCOMPARE(o.advertisedHttp("0.0.0.0", 80), "http://" + std::string(host) + ":80");
        QCOMPARE(o.advertisedHttp("::", 80), "http://" + std::string(host) + ":80");
    }

    void helpAndVersion()
    {
        const auto help = parse({"--help"});
        QCOMPARE(help.outcome, AgentOptions::Outcome::ShowHelp);
        QVERIFY(help.message.find("--controlplane") != std::string::npos);
        QCOMPARE(parse({"--version"}).outcome, AgentOptions::Outcome::ShowVersion);
    }

    void invalid_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList base{"--name", "edge-1", "--region", "eu-west", "--data-dir", "/tmp/keel"};
        auto with = [&](const QStringList &extra) { return base + extra; };

        QTest::newRow("missing name") << QStringList{"--region", "eu", "--data-dir", "d"}
                                      << "keel-agent: --name: missing: pass the node's name, e.g. --name edge-1";
        QTest::newRow("upper-case name")
            << QStringList{"--name", "Edge", "--region", "eu", "--data-dir", "d"}
            << "keel-agent: --name: Edge: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
        QTest::newRow("leading dash") << QStringList{"--name", "-a", "--region", "eu", "--data-dir", "d"}
                                      << "keel-agent: --name: -a: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
        QTest::newRow("long name") << QStringList{"--name", QString(64, 'a'), "--region", "eu", "--data-dir", "d"}
                                   << "keel-agent: --name: " + QString(64, 'a')
                                          + ": use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
        QTest::newRow("missing region") << QStringList{"--name", "a", "--data-dir", "d"}
                                        << "keel-agent: --region: missing: pass the node's region, e.g. --region eu-west";
        QTest::newRow("bad region") << QStringList{"--name", "a", "--region", "eu_west", "--data-dir", "d"}
                                    << "keel-agent: --region: eu_west: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
        QTest::newRow("missing data dir") << QStringList{"--name", "a", "--region", "eu"}
                                          << "keel-agent: --data-dir: missing: pass a directory for the node's key and state, e.g. --data-dir /var/lib/keel";
        QTest::newRow("empty components dir")
            << with({"--components", ""})
            << "keel-agent: --components: empty: pass a directory of component manifests, e.g. --components /etc/keel/components";
        QTest::newRow("bad site") << with({"--site", "A B"})
                                  << "keel-agent: --site: A B: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
        QTest::newRow("bad labels") << with({"--labels", "tier"})
                                    << "keel-agent: --labels: tier: write KEY=VALUE pairs separated by commas, e.g. tier=gold,zone=a";
        QTest::newRow("empty label") << with({"--labels", "a=b,,c=d"})
                                     << "keel-agent: --labels: a=b,,c=d: write KEY=VALUE pairs separated by commas, e.g. tier=gold,zone=a";
        QTest::newRow("duplicate label") << with({"--labels", "a=b,a=c"})
                                         << "keel-agent: --labels: a=b,a=c: label a is given twice; give each key once";
        QTest::newRow("http without port") << with({"--http", "127.0.0.1"})
                                           << "keel-agent: --http: 127.0.0.1: use HOST:PORT with an IP address, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)";
        QTest::newRow("http port too big") << with({"--http", "127.0.0.1:65536"})
                                           << "keel-agent: --http: 127.0.0.1:65536: use HOST:PORT with an IP address, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)";
        QTest::newRow("admin host name") << with({"--admin", "example.com:1"})
                                         << "keel-agent: --admin: example.com:1: use HOST:PORT with an IP address, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)";
        QTest::newRow("same address") << with({"--http", "127.0.0.1:7000", "--admin", "127.0.0.1:7000"})
                                      << "keel-agent: --admin: 127.0.0.1:7000: use another address than --http";
        QTest::newRow("http url") << with({"--controlplane", "http://cp:1"})
                                  << "keel-agent: --controlplane: http://cp:1: use ws://HOST:PORT or wss://HOST:PORT, optionally with a path (default /v1/agent)";
        QTest::newRow("ca without wss") << with({"--controlplane", "ws://cp:1", "--ca", "/etc/hosts"})
                                        << "keel-agent: --ca: /etc/hosts: only a wss:// control plane uses it: drop it or use wss://";
        QTest::newRow("ca missing") << with({"--controlplane", "wss://cp:1", "--ca", "/no/such/ca.pem"})
                                    << "keel-agent: --ca: /no/such/ca.pem: not a readable file: pass the PEM file of the CA";
        QTest::newRow("port zero") << with({"--controlplane", "ws://cp:0"})
                                   << "keel-agent: --controlplane: ws://cp:0: use a port from 1 to 65535, e.g. ws://cp.example:7443";
        QTest::newRow("token without cp") << with({"--join-token", "kjt_x"})
                                          << "keel-agent: --join-token: given without --controlplane: pass --controlplane URL too, or drop the token";
        QTest::newRow("token with space") << with({"--controlplane", "ws://cp:1", "--join-token", "a b"})
                                          << "keel-agent: --join-token: not printable: pass the token exactly as the control plane issued it";
        const QString fp(64, u'a');
        QTest::newRow("key digest too short") << with({"--controlplane", "ws://cp:1", "--controlplane-key-sha256", "abc"})
                                              << "keel-agent: --controlplane-key-sha256: abc: pass the 64 hex digits keelctl "
                                                 "join-token create printed (sha256:... is fine too)";
        QTest::newRow("key digest without cp") << with({"--controlplane-key-sha256", fp})
                                               << "keel-agent: --controlplane-key-sha256: given without --controlplane: pass "
                                                  "--controlplane URL too, or drop it";
        QTest::newRow("token names another key")
            << with({"--controlplane", "ws://cp:1", "--join-token", "kjt_x." + QString(64, u'b'), "--controlplane-key-sha256", fp})
            << "keel-agent: --controlplane-key-sha256: sha256:" + fp + ": the join token names another key (sha256:"
                   + QString(64, u'b') + "): pass the token and the fingerprint of the same control plane";
        QTest::newRow("advertise ftp") << with({"--advertise-http", "ftp://edge:21"})
                                       << "keel-agent: --advertise-http: ftp://edge:21: use the http:// or https:// base URL "
                                          "clients reach this node's --http port at, e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise host and port only") << with({"--advertise-http", "10.0.0.5:8080"})
                                                      << "keel-agent: --advertise-http: 10.0.0.5:8080: use the http:// or https:// base URL "
                                                         "clients reach this node's --http port at, e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise empty") << with({"--advertise-http", ""})
                                         << "keel-agent: --advertise-http: empty: use the http:// or https:// base URL "
                                            "clients reach this node's --http port at, e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise no host") << with({"--advertise-http", "http:///x"})
                                           << "keel-agent: --advertise-http: http:///x: name the host clients reach this node at, "
                                              "e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise path") << with({"--advertise-http", "http://edge:8080/profile"})
                                        << "keel-agent: --advertise-http: http://edge:8080/profile: leave out the path: components "
                                           "are served at /NAME/ below the base URL, e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise query") << with({"--advertise-http", "http://edge:8080/?a=b"})
                                         << "keel-agent: --advertise-http: http://edge:8080/?a=b: leave out the query and fragment, "
                                            "e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise user") << with({"--advertise-http", "http://u:p@edge:8080"})
                                        << "keel-agent: --advertise-http: http://u:p@edge:8080: leave out the user and password, "
                                           "e.g. http://edge-eu-1.example:8080";
        QTest::newRow("advertise port zero") << with({"--advertise-http", "http://edge:0"})
                                             << "keel-agent: --advertise-http: http://edge:0: use a port from 1 to 65535, "
                                                "e.g. http://edge-eu-1.example:8080";
        QTest::newRow("unknown option") << with({"--heartbeat-ms", "5"})
                                        << "keel-agent: unknown option: --heartbeat-ms: run keel-agent --help for the options";
        QTest::newRow("no abbreviations") << with({"--contr", "ws://cp:1"})
                                          << "keel-agent: unknown option: --contr: run keel-agent --help for the options";
        QTest::newRow("twice") << with({"--name", "b"})
                               << "keel-agent: --name: given more than once: give it once";
        QTest::newRow("no value") << QStringList{"--region", "eu", "--name"}
                                  << "keel-agent: --name: no value: give it one, e.g. --name VALUE";
        QTest::newRow("stray word") << with({"extra"})
                                    << "keel-agent: unexpected argument: extra: every setting is an option, e.g. --name edge-1";
    }

    void invalid()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        std::vector<std::string> argv;
        for (const auto &arg : args)
            argv.push_back(arg.toStdString());
        const auto o = parse(argv);
        QCOMPARE(o.outcome, AgentOptions::Outcome::Invalid);
        QCOMPARE(QString::fromStdString(o.message), message);
    }
};

QTEST_APPLESS_MAIN(tst_AgentOptions)
#include "tst_agentoptions.moc"
