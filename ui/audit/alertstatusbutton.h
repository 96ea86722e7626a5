#pragma once

#include <QToolButton>

namespace Keel {

class AlertModel;

// The status bar's alert count: a dot and words ("2 alerts: 1 critical"), red while any
// alert is critical, amber for warnings only, grey when all is well. Clicking it opens
// the alerts.
class AlertStatusButton final : public QToolButton
{
    Q_OBJECT

public:
    explicit AlertStatusButton(AlertModel *alerts, QWidget *parent = nullptr);

private:
    void update();

    AlertModel *m_alerts;
};

} // namespace Keel
