#pragma once

#include "residencytypes.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

// How residency reads everywhere in the console: an enforce-mode violation is red and
// "removed" (the control plane takes the component off the node), an audit-mode one amber
// and "flagged"; a node the policy forbids for a placement is red and "forbidden". Always
// a word beside the colour. Also the small conversions between keel_residency's plain
// strings and what the console shows and reads.
namespace Keel::PolicyStyle {

QColor color(ResidencyMode mode);
// "removed", or "to be removed" before the control plane took it off the node (enforce);
// "flagged" (audit).
QString word(const ResidencyViolation &violation);
QString word(ResidencyMode mode);
// "enforce", "audit".
QString modeName(ResidencyMode mode);
// "✖" for enforce, "⚑" for audit: the mode as a shape, for the map and the badges.
QString glyph(ResidencyMode mode);

QString toQString(const std::string &text);
std::string toStd(const QString &text);
// ["EU", "US"] -> "EU, US".
QString listText(const std::vector<std::string> &codes);
// "eu, us" / "EU US" -> ["EU", "US"]: split on commas and spaces, upper-cased (codes are
// upper case; "*" stays), empty items dropped. Order kept, duplicates kept (the validator
// names them).
std::vector<std::string> parseList(const QString &text);
// "EU (European Union)", or the code alone when unknown.
QString jurisdictionText(const QString &code);

// "pii of EU subjects only in EU, enforce" (keel_residency's words).
QString ruleSummary(const ResidencyRule &rule);

// "2 components removed from 1 node", "no component removed".
QString removalText(int components, int nodes);
// "1 placement flagged".
QString flaggedText(int placements);

} // namespace Keel::PolicyStyle
