#include "policystyle.h"

#include "common/statuscolors.h"
#include "jurisdictions.h"
#include "policydiff.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace Keel::PolicyStyle {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PolicyStyle", text);
}

} // namespace

QColor color(ResidencyMode mode)
{
    return mode == ResidencyMode::Audit ? StatusColors::degraded() : StatusColors::failing();
}

QString word(const ResidencyViolation &violation)
{
    if (violation.mode == ResidencyMode::Audit)
        return tr("flagged");
    return violation.removed ? tr("removed") : tr("to be removed");
}

QString word(ResidencyMode mode)
{
    return mode == ResidencyMode::Audit ? tr("flagged") : tr("removed");
}

QString modeName(ResidencyMode mode)
{
    return mode == ResidencyMode::Audit ? QStringLiteral("audit") : QStringLiteral("enforce");
}

QString glyph(ResidencyMode mode)
{
    return mode == ResidencyMode::Audit ? QStringLiteral("⚑") : QStringLiteral("✖");
}

QString toQString(const std::string &text)
{
    return QString::fromStdString(text);
}

std::string toStd(const QString &text)
{
    return text.toStdString();
}

QString listText(const std::vector<std::string> &codes)
{
    QStringList parts;
    for (const std::string &code : codes)
        parts << QString::fromStdString(code);
    return parts.join(QStringLiteral(", "));
}

std::vector<std::string> parseList(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    std::vector<std::string> codes;
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts))
        codes.push_back(part.toUpper().toStdString());
    return codes;
}

QString jurisdictionText(const QString &code)
{
    const std::string_view name = keel::residency::Jurisdictions::name(code.toStdString());
    if (name.empty())
        return code;
    return QStringLiteral("%1 (%2)").arg(code, QString::fromUtf8(name.data(), qsizetype(name.size())));
}

QString ruleSummary(const ResidencyRule &rule)
{
    return QString::fromStdString(keel::residency::PolicyDiff::summary(rule));
}

QString removalText(int components, int nodes)
{
    if (components == 0)
        return tr("no component removed");
    const QString what = components == 1 ? tr("1 component") : tr("%1 components").arg(components);
    const QString where = nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes);
    return tr("%1 removed from %2").arg(what, where);
}

QString flaggedText(int placements)
{
    return placements == 1 ? tr("1 placement flagged") : tr("%1 placements flagged").arg(placements);
}

} // namespace Keel::PolicyStyle
