#include "componentdetail.h"

#include "aotstatestyle.h"
#include "common/relativetime.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QVBoxLayout>

namespace Keel {

namespace {

QString orNone(const QStringList &items)
{
    return items.isEmpty() ? ComponentDetail::tr("none") : items.join(QStringLiteral(", "));
}

QString nodeCount(int nodes)
{
    return nodes == 1 ? ComponentDetail::tr("1 node now") : ComponentDetail::tr("%1 nodes now").arg(nodes);
}

QString limitsText(const ComponentLimits &limits)
{
    auto part = [](quint64 value, const QString &text) {
        return value == 0 ? QString() : text.arg(QLocale().toString(value));
    };
    QStringList parts;
    for (const QString &p : {part(limits.memoryMb, ComponentDetail::tr("%1 MiB memory")),
                             part(limits.deadlineMs, ComponentDetail::tr("%1 ms deadline")),
                             part(limits.maxResponseBytes, ComponentDetail::tr("%1 bytes per response")),
                             part(limits.maxTableElements, ComponentDetail::tr("%1 table elements")),
                             part(limits.maxInstances, ComponentDetail::tr("%1 live instances"))}) {
        if (!p.isEmpty())
            parts.append(p);
    }
    return parts.isEmpty() ? ComponentDetail::tr("the agent's defaults") : parts.join(QStringLiteral(" · ")) + ComponentDetail::tr("; the rest the agent's defaults");
}

} // namespace

ComponentDetail::ComponentDetail(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_fields(new QWidget(this))
    , m_form(new QFormLayout(m_fields))
{
    setObjectName(QStringLiteral("componentDetail"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("componentDetailTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hint->setObjectName(QStringLiteral("componentDetailHint"));
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // the palette's muted text
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_digest = addDigestField(tr("Digest:"), "detailDigest");
    m_size = addField(tr("Size:"), "detailSize");
    m_abi = addField(tr("ABI:"), "detailAbi");
    m_dataClasses = addField(tr("Data classes:"), "detailDataClasses");
    m_grants = addField(tr("Grants:"), "detailGrants");
    m_limits = addField(tr("Limits:"), "detailLimits");
    m_config = addField(tr("Config:"), "detailConfig");
    m_aot = addField(tr("AOT build:"), "detailAot");
    m_aotObject = addField(tr("AOT object:"), "detailAotObject");
    m_aotDigest = addDigestField(tr("AOT digest:"), "detailAotDigest");
    m_pushed = addField(tr("Pushed:"), "detailPushed");
    m_rules = addField(tr("Rules:"), "detailRules");

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_hint);
    layout->addWidget(m_fields);
    layout->addStretch(1);
    showNothing(tr("Select a version to see its detail."));
}

QLabel *ComponentDetail::addField(const QString &label, const char *name)
{
    auto *value = new QLabel(m_fields);
    value->setObjectName(QLatin1String(name));
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(label, value);
    return value;
}

QLineEdit *ComponentDetail::addDigestField(const QString &label, const char *name)
{
    auto *value = new QLineEdit(m_fields);
    value->setObjectName(QLatin1String(name));
    value->setReadOnly(true);
    value->setFrame(false);
    value->setBackgroundRole(QPalette::Window); // reads as text, not as a field to type in
    value->setMinimumWidth(80);
    m_form->addRow(label, value);
    return value;
}

void ComponentDetail::showNothing(const QString &hint)
{
    m_title->clear();
    m_title->hide();
    m_hint->setText(hint);
    m_hint->show();
    m_fields->hide();
}

void ComponentDetail::showVersion(const ComponentVersion &v, const QList<DeploymentRule> &rules)
{
    m_title->setText(QStringLiteral("%1 %2").arg(v.manifest.name, v.manifest.version));
    m_title->show();
    m_hint->hide();
    m_digest->setText(v.moduleDigest);
    m_digest->setCursorPosition(0);
    m_size->setText(tr("%1 KiB (%2 bytes)").arg(QLocale().toString(double(v.moduleSize) / 1024.0, 'f', 1),
                                              QLocale().toString(v.moduleSize)));
    m_abi->setText(toText(v.manifest.abi));
    m_dataClasses->setText(orNone(v.manifest.dataClasses));
    m_grants->setText(orNone(v.manifest.grants));
    m_limits->setText(limitsText(v.manifest.limits));
    QStringList config;
    for (auto it = v.manifest.config.cbegin(); it != v.manifest.config.cend(); ++it)
        config.append(it.key() + u'=' + it.value());
    m_config->setText(orNone(config));
    m_aot->setTextFormat(Qt::RichText);
    m_aot->setText(QStringLiteral("<span style=\"color:%1\">●</span> <b>%2</b> — %3")
                       .arg(AotStateStyle::color(v.aotState).name(), AotStateStyle::word(v.aotState).toHtmlEscaped(),
                            AotStateStyle::sentence(v).toHtmlEscaped()));
    m_aotObject->setText(v.aotDigest.isEmpty() ? tr("none yet") : tr("%1 bytes, for %2").arg(QLocale().toString(v.aotSize), v.aotTarget));
    m_aotDigest->setText(v.aotDigest.isEmpty() ? tr("—") : v.aotDigest);
    m_aotDigest->setCursorPosition(0);
    m_pushed->setText(tr("%1 (%2) by %3")
                          .arg(QLocale().toString(v.pushed.toLocalTime(), QLocale::ShortFormat), formatAge(v.pushed, QDateTime::currentDateTimeUtc()),
                               v.pushedBy.isEmpty() ? tr("unknown") : v.pushedBy));
    QStringList lines;
    for (const DeploymentRule &rule : rules) {
        const Deployment &d = rule.deployment;
        if (d.version.isEmpty())
            lines.append(tr("not on %1 (%2)").arg(d.selector, nodeCount(rule.nodesMatched)));
        else if (d.version == v.manifest.version)
            lines.append(tr("deployed to %1 (%2)").arg(d.selector, nodeCount(rule.nodesMatched)));
    }
    m_rules->setText(lines.isEmpty() ? tr("no rule deploys this version") : lines.join(u'\n'));
    m_fields->show();
}

QStringList ComponentDetail::fieldTexts() const
{
    QStringList lines;
    if (m_title->isVisibleTo(this))
        lines.append(m_title->text());
    else
        lines.append(m_hint->text());
    for (int row = 0; row < m_form->rowCount() && !m_fields->isHidden(); ++row) {
        auto *label = qobject_cast<QLabel *>(m_form->itemAt(row, QFormLayout::LabelRole)->widget());
        QWidget *field = m_form->itemAt(row, QFormLayout::FieldRole)->widget();
        if (auto *value = qobject_cast<QLabel *>(field); label && value)
            lines.append(label->text() + u' ' + value->text());
        else if (auto *line = qobject_cast<QLineEdit *>(field); label && line)
            lines.append(label->text() + u' ' + line->text());
    }
    return lines;
}

} // namespace Keel
