#pragma once

#include <QListWidget>

namespace Keel {

// The vertical mode selector on the left of the main window, after Qt Creator's: one
// entry per pane (Nodes today; Map, Components, Rollouts, Metrics as they arrive).
class ModeBar final : public QListWidget
{
    Q_OBJECT

public:
    explicit ModeBar(QWidget *parent = nullptr);

    // Returns the row of the new mode, which is also its page in the main window's stack.
    int addMode(const QIcon &icon, const QString &title);

    QSize sizeHint() const override;
};

} // namespace Keel
