// keelctl: the command-line client of the Keel control plane.

#include "keelctl.h"
#include "keelversion.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"))) {
        std::fputs(qPrintable(Keel::KeelCtl::usage()), stdout);
        return 0;
    }
    // Alone only: `component push --version V` names a component version.
    if (arguments.size() == 2 && (arguments.at(1) == QLatin1String("--version") || arguments.at(1) == QLatin1String("-v"))) {
        std::printf("keelctl %s\n", KEEL_VERSION);
        return 0;
    }
    auto parsed = Keel::KeelCtl::parse(arguments, QProcessEnvironment::systemEnvironment());
    if (auto *error = std::get_if<QString>(&parsed)) {
        std::fprintf(stderr, "keelctl: %s\n", qPrintable(*error));
        return 2;
    }
    Keel::KeelCtl ctl;
    QObject::connect(&ctl, &Keel::KeelCtl::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    ctl.run(std::get<Keel::CtlInvocation>(parsed));
    return app.exec();
}
