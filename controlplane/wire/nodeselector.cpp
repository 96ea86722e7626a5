#include "nodeselector.h"

#include <QRegularExpression>

#include <algorithm>

namespace Keel {

std::variant<NodeSelector, QString> NodeSelector::parse(const QString &text)
{
    NodeSelector selector;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("empty selector: use all, or key=value terms such as region=eu-west,tier=edge");
    if (trimmed == QLatin1String("all"))
        return selector;
    constexpr qsizetype kMaxTerms = 16;
    const QStringList terms = trimmed.split(u',');
    if (terms.size() > kMaxTerms)
        return QStringLiteral("selector has %1 terms; at most %2").arg(terms.size()).arg(kMaxTerms);
    static const QRegularExpression key(QStringLiteral("^[a-z0-9][a-z0-9._/-]{0,62}$"));
    static const QRegularExpression value(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"));
    for (const QString &raw : terms) {
        const QString term = raw.trimmed();
        const qsizetype eq = term.indexOf(u'=');
        if (eq <= 0 || eq != term.lastIndexOf(u'=')) {
            return QStringLiteral("selector term \"%1\" is not key=value: use e.g. region=eu-west or jurisdiction=EU")
                .arg(term.left(80));
        }
        const QString k = term.left(eq).trimmed();
        const QString v = term.mid(eq + 1).trimmed();
        if (!key.match(k).hasMatch())
            return QStringLiteral("selector key \"%1\" is not valid: lower-case letters, digits, '.', '_', '/', '-'").arg(k.left(80));
        if (!value.match(v).hasMatch())
            return QStringLiteral("selector value \"%1\" (for %2) is not valid: letters, digits, '.', '_', '-'").arg(v.left(80), k);
        if (std::any_of(selector.m_terms.cbegin(), selector.m_terms.cend(), [&](const auto &t) { return t.first == k; }))
            return QStringLiteral("selector names %1 twice").arg(k);
        selector.m_terms.append({k, v});
    }
    std::sort(selector.m_terms.begin(), selector.m_terms.end());
    return selector;
}

bool NodeSelector::matches(const Node &node) const
{
    return std::all_of(m_terms.cbegin(), m_terms.cend(), [&](const std::pair<QString, QString> &term) {
        const auto &[key, value] = term;
        if (key == QLatin1String("region"))
            return node.region == value;
        if (key == QLatin1String("site"))
            return node.site == value;
        if (key == QLatin1String("jurisdiction"))
            return node.jurisdiction == value;
        if (key == QLatin1String("name"))
            return node.name == value;
        const auto label = node.labels.constFind(key);
        return label != node.labels.cend() && *label == value;
    });
}

QString NodeSelector::text() const
{
    if (m_terms.isEmpty())
        return QStringLiteral("all");
    QStringList parts;
    for (const auto &[key, value] : m_terms)
        parts.append(key + u'=' + value);
    return parts.join(u',');
}

} // namespace Keel
