#pragma once

#include <QLabel>

namespace Keel {

// "Not connected: showing the last known state of the fleet." above a pane whose rows or
// markers are the last known state. The palette's tooltip colours, so that it stands out
// in light and dark themes alike (never hard-coded), framed in its own text colour.
// Hidden until the pane is stale.
class StaleBanner final : public QLabel
{
    Q_OBJECT

public:
    explicit StaleBanner(QWidget *parent = nullptr);
};

} // namespace Keel
