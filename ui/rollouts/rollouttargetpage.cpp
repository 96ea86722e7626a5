#include "rollouttargetpage.h"

#include "components/selectorpreview.h"
#include "policies/placementpreview.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QMap>

namespace Keel {

namespace {

// How many of the nodes run each version of the component now (as they reported it).
QMap<QString, int> runningVersions(const QList<Node> &nodes, const QString &component)
{
    QMap<QString, int> counts;
    for (const Node &node : nodes) {
        for (const ComponentStatus &status : node.components) {
            if (status.name == component && !status.version.isEmpty())
                ++counts[status.version];
        }
    }
    return counts;
}

} // namespace

RolloutTargetPage::RolloutTargetPage(KeelClient *client, QWidget *parent)
    : QWizardPage(parent)
    , m_component(new QComboBox(this))
    , m_version(new QComboBox(this))
    , m_preview(new SelectorPreview(client, this))
    , m_placement(new PlacementPreview(client, this))
    , m_baseline(new QLabel(this))
{
    setTitle(tr("What to roll out, and where"));
    setSubTitle(tr("The nodes the selector matches now are the rollout's; they must all run the same version "
                   "of the component (or none)."));
    m_component->setObjectName(QStringLiteral("rolloutComponent"));
    m_version->setObjectName(QStringLiteral("rolloutVersion"));
    m_baseline->setObjectName(QStringLiteral("rolloutBaseline"));
    m_baseline->setWordWrap(true);
    auto *form = new QFormLayout(this);
    form->addRow(tr("&Component:"), m_component);
    form->addRow(tr("&Version:"), m_version);
    form->addRow(QString(), m_baseline);
    form->addRow(tr("&Nodes:"), m_preview);
    form->addRow(QString(), m_placement);
    m_preview->setSelector(QStringLiteral("all"));

    connect(m_component, &QComboBox::currentIndexChanged, this, [this] {
        fillVersions();
        updateBaseline();
        checkPlacement();
        emit completeChanged();
    });
    connect(m_version, &QComboBox::currentIndexChanged, this, [this] {
        updateBaseline();
        checkPlacement();
        emit completeChanged();
    });
    connect(m_preview, &SelectorPreview::previewChanged, this, [this] {
        fillVersions(); // the baseline mark follows the nodes
        updateBaseline();
        checkPlacement();
        emit completeChanged();
    });
    connect(m_placement, &PlacementPreview::changed, this, [this] {
        fillVersions(); // skipped nodes leave the baseline
        updateBaseline();
        checkPlacement(); // a no-op unless the version moved
        emit completeChanged();
    });
    connect(m_preview, &SelectorPreview::selectorEdited, this, &QWizardPage::completeChanged);
}

void RolloutTargetPage::setVersions(const QList<ComponentVersion> &versions)
{
    m_versions = versions;
    const QString wanted = m_component->currentText();
    QStringList names;
    for (const ComponentVersion &v : versions) {
        if (!names.contains(v.manifest.name))
            names.append(v.manifest.name);
    }
    names.sort();
    const QSignalBlocker blocker(m_component);
    m_component->clear();
    m_component->addItems(names);
    m_component->setCurrentIndex(std::max(0, int(names.indexOf(wanted))));
    fillVersions();
    updateBaseline();
    emit completeChanged();
}

void RolloutTargetPage::setTarget(const QString &component, const QString &version)
{
    m_wantedVersion = version;
    if (m_component->findText(component) < 0)
        m_component->addItem(component); // listed later; setVersions keeps the choice
    m_component->setCurrentIndex(m_component->findText(component));
    fillVersions();
}

void RolloutTargetPage::fillVersions()
{
    const QString component = m_component->currentText();
    const QString current = !m_wantedVersion.isEmpty() ? m_wantedVersion : version();
    const QMap<QString, int> running = runningVersions(nodes(), component);
    const QString base = baseline();
    const int nodes = int(this->nodes().size());
    const QSignalBlocker blocker(m_version);
    m_version->clear();
    // The registry lists newest push first: the first version not running is the likely target.
    int preferred = -1;
    for (const ComponentVersion &v : std::as_const(m_versions)) {
        if (v.manifest.name != component)
            continue;
        const QString number = v.manifest.version;
        QString text = number;
        if (number == base)
            text = tr("%1 — baseline: runs on %2 of %3 nodes now").arg(number).arg(running.value(number)).arg(nodes);
        else if (running.contains(number))
            text = tr("%1 — runs on %2 of %3 nodes now").arg(number).arg(running.value(number)).arg(nodes);
        m_version->addItem(text, number);
        if (preferred < 0 && !running.contains(number))
            preferred = m_version->count() - 1;
    }
    const int wanted = m_version->findData(current);
    m_version->setCurrentIndex(wanted >= 0 ? wanted : std::max(preferred, 0));
    if (wanted >= 0)
        m_wantedVersion.clear();
}

void RolloutTargetPage::updateBaseline()
{
    if (!m_preview->isCurrent() || matches().isEmpty()) {
        m_baseline->clear();
        return;
    }
    m_baseline->setText(baselineText());
}

QString RolloutTargetPage::baseline() const
{
    const QMap<QString, int> running = runningVersions(nodes(), m_component->currentText());
    QString best;
    for (auto it = running.cbegin(); it != running.cend(); ++it) {
        if (best.isEmpty() || it.value() > running.value(best))
            best = it.key();
    }
    return best;
}

QString RolloutTargetPage::baselineText() const
{
    const QMap<QString, int> running = runningVersions(this->nodes(), component());
    const int nodes = int(this->nodes().size());
    if (running.isEmpty())
        return tr("None of these %1 nodes runs %2 now: the rollout installs it, and a rollback removes it.").arg(nodes).arg(component());
    if (running.size() > 1) {
        QStringList groups;
        for (auto it = running.cbegin(); it != running.cend(); ++it)
            groups << tr("%1 on %2").arg(it.key()).arg(it.value());
        return tr("These nodes run different versions of %1 (%2): the control plane refuses a rollout over mixed versions; "
                  "narrow the selector to one group.").arg(component(), groups.join(QStringLiteral(", ")));
    }
    const QString base = running.firstKey();
    if (base == version())
        return tr("These nodes run %1 %2 already: choose another version.").arg(component(), base);
    return tr("Baseline %1 %2 (on %3 of %4 nodes): each wave moves from it to %5, and back to it on failure.")
        .arg(component(), base).arg(running.first()).arg(nodes).arg(version());
}

QString RolloutTargetPage::component() const
{
    return m_component->currentText();
}

QString RolloutTargetPage::version() const
{
    return m_version->currentData().toString();
}

QString RolloutTargetPage::selector() const
{
    return m_preview->selector();
}

const QList<Node> &RolloutTargetPage::matches() const
{
    return m_preview->matches();
}

void RolloutTargetPage::checkPlacement()
{
    const bool check = m_preview->isCurrent() && !matches().isEmpty();
    m_placement->setTarget(check ? component() : QString(), check ? version() : QString(), check ? selector() : QString());
}

QList<Node> RolloutTargetPage::nodes() const
{
    return m_placement->reached(matches());
}

bool RolloutTargetPage::skipDisallowed() const
{
    return m_placement->skipDisallowed();
}

bool RolloutTargetPage::isComplete() const
{
    return !component().isEmpty() && !version().isEmpty() && m_preview->isCurrent() && !matches().isEmpty()
        && m_placement->isCurrent() && !m_placement->blocks() && !nodes().isEmpty();
}

} // namespace Keel
