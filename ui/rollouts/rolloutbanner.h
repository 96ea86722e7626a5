#pragma once

#include <QWidget>

class QLabel;

namespace Keel {

// A sentence at the top of a pane about something gone wrong or waiting, coloured by
// its state: a stripe and a tint of the state's colour over the window's, a standard
// icon (critical, warning, information) and the state's word in bold at the start, so
// that it reads without colour too. Hidden while it has nothing to say.
class RolloutBanner final : public QWidget
{
    Q_OBJECT

public:
    enum class Severity { Failure, Warning, Note };

    explicit RolloutBanner(QWidget *parent = nullptr);

    // "Rolled back", "error rate 100% on edge-eu-2 … exceeded 5%."; an empty sentence hides it.
    void setMessage(Severity severity, const QColor &color, const QString &word, const QString &sentence);
    void clear();

    QString text() const; // plain: "Rolled back: …"
    QColor color() const { return m_color; }
    Severity severity() const { return m_severity; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateIcon();

    QLabel *m_icon;
    QLabel *m_label;
    QColor m_color;
    Severity m_severity = Severity::Note;
    QString m_text;
};

} // namespace Keel
