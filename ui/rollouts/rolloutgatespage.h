#pragma once

#include "rollouttypes.h"

#include <QWizardPage>

class QCheckBox;
class QDoubleSpinBox;
class QRadioButton;
class QSpinBox;

namespace Keel {

// The wizard's third page: the health gates each wave is judged by, measured on the
// traffic the new version serves on the wave's nodes, and what a failed gate does. The
// defaults are the control plane's: at most 5% errors, at least 10 requests; p99 limits
// are off until asked for.
class RolloutGatesPage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit RolloutGatesPage(QWidget *parent = nullptr);

    void apply(RolloutSpec &spec) const;

private:
    void updateEnabled();

    QCheckBox *m_errorRateOn;
    QDoubleSpinBox *m_errorRate;
    QSpinBox *m_minRequests;
    QCheckBox *m_p99On;
    QSpinBox *m_p99;
    QCheckBox *m_regressionOn;
    QDoubleSpinBox *m_regression;
    QRadioButton *m_rollback;
    QRadioButton *m_pause;
};

} // namespace Keel
