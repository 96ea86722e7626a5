#include "rolloutgatespage.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>

namespace Keel {

RolloutGatesPage::RolloutGatesPage(QWidget *parent)
    : QWizardPage(parent)
    , m_errorRateOn(new QCheckBox(tr("At most"), this))
    , m_errorRate(new QDoubleSpinBox(this))
    , m_minRequests(new QSpinBox(this))
    , m_p99On(new QCheckBox(tr("At most"), this))
    , m_p99(new QSpinBox(this))
    , m_regressionOn(new QCheckBox(tr("At most"), this))
    , m_regression(new QDoubleSpinBox(this))
    , m_rollback(new QRadioButton(tr("Roll &back: every switched node returns to the baseline"), this))
    , m_pause(new QRadioButton(tr("&Pause: the switched nodes keep the new version until resumed or rolled back"), this))
{
    setTitle(tr("Health gates"));
    setSubTitle(tr("Measured on the new version's traffic on the wave's nodes over its bake. A gate is judged as soon as "
                   "the wave has the minimum of requests; the wave passes when its bake is over and every gate holds."));
    const RolloutGates defaults;
    m_errorRateOn->setObjectName(QStringLiteral("rolloutErrorRateOn"));
    m_errorRateOn->setChecked(defaults.maxErrorRate.has_value());
    m_errorRate->setObjectName(QStringLiteral("rolloutMaxErrorRate"));
    m_errorRate->setRange(0, 100);
    m_errorRate->setDecimals(1);
    m_errorRate->setValue(defaults.maxErrorRate.value_or(0.05) * 100);
    m_errorRate->setSuffix(QStringLiteral(" %"));
    m_minRequests->setObjectName(QStringLiteral("rolloutMinRequests"));
    m_minRequests->setRange(0, 1000000);
    m_minRequests->setValue(int(defaults.minRequests));
    m_minRequests->setSuffix(tr(" requests"));
    m_minRequests->setToolTip(tr("Fewer requests: the wave waits for traffic, and fails at the deadline if none comes. "
                                 "0 judges a wave without traffic."));
    m_p99On->setObjectName(QStringLiteral("rolloutP99On"));
    m_p99->setObjectName(QStringLiteral("rolloutMaxP99"));
    m_p99->setRange(1, 600000);
    m_p99->setValue(200);
    m_p99->setSuffix(QStringLiteral(" ms"));
    m_regressionOn->setObjectName(QStringLiteral("rolloutRegressionOn"));
    m_regression->setObjectName(QStringLiteral("rolloutMaxRegression"));
    m_regression->setRange(1, 100);
    m_regression->setDecimals(1);
    m_regression->setSingleStep(0.1);
    m_regression->setValue(1.5);
    m_regression->setSuffix(QStringLiteral(" ×"));
    m_regression->setToolTip(tr("The new version's p99 over the baseline's on the nodes not yet switched, same window"));
    m_rollback->setObjectName(QStringLiteral("rolloutOnFailureRollback"));
    m_pause->setObjectName(QStringLiteral("rolloutOnFailurePause"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_rollback);
    group->addButton(m_pause);
    m_rollback->setChecked(true);

    auto row = [this](QWidget *check, QWidget *value, const QString &after) {
        auto *layout = new QHBoxLayout;
        if (check)
            layout->addWidget(check);
        layout->addWidget(value);
        if (!after.isEmpty())
            layout->addWidget(new QLabel(after, this));
        layout->addStretch(1);
        return layout;
    };
    auto *form = new QFormLayout(this);
    form->addRow(tr("Error rate (5xx):"), row(m_errorRateOn, m_errorRate, tr("of the wave's requests")));
    form->addRow(tr("Minimum requests:"), row(nullptr, m_minRequests, tr("before a wave is judged")));
    form->addRow(tr("p99 latency:"), row(m_p99On, m_p99, QString()));
    form->addRow(tr("p99 regression:"), row(m_regressionOn, m_regression, tr("the baseline's p99")));
    form->addRow(tr("On failure:"), m_rollback);
    form->addRow(QString(), m_pause);

    for (QCheckBox *check : {m_errorRateOn, m_p99On, m_regressionOn})
        connect(check, &QCheckBox::toggled, this, &RolloutGatesPage::updateEnabled);
    updateEnabled();
}

void RolloutGatesPage::updateEnabled()
{
    m_errorRate->setEnabled(m_errorRateOn->isChecked());
    m_p99->setEnabled(m_p99On->isChecked());
    m_regression->setEnabled(m_regressionOn->isChecked());
}

void RolloutGatesPage::apply(RolloutSpec &spec) const
{
    spec.gates.maxErrorRate = m_errorRateOn->isChecked() ? std::optional<double>(m_errorRate->value() / 100) : std::nullopt;
    spec.gates.minRequests = quint64(m_minRequests->value());
    spec.gates.maxP99Ms = m_p99On->isChecked() ? std::optional<double>(m_p99->value()) : std::nullopt;
    spec.gates.maxP99Regression = m_regressionOn->isChecked() ? std::optional<double>(m_regression->value()) : std::nullopt;
    spec.onFailure = m_rollback->isChecked() ? RolloutFailureAction::Rollback : RolloutFailureAction::Pause;
}

} // namespace Keel
