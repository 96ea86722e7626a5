#include "equalearthprojection.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace Keel {

namespace {

// The published polynomial coefficients.
constexpr double A1 = 1.340264;
constexpr double A2 = -0.081106;
constexpr double A3 = 0.000893;
constexpr double A4 = 0.003796;
const double M = std::sqrt(3.0) / 2.0;

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;

// y(θ) and its derivative; both appear in the forward and the inverse formula.
double polynomial(double theta)
{
    const double t2 = theta * theta;
    const double t6 = t2 * t2 * t2;
    return theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
}

double derivative(double theta)
{
    const double t2 = theta * theta;
    const double t6 = t2 * t2 * t2;
    return A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2);
}

} // namespace

QPointF EqualEarthProjection::project(double longitude, double latitude)
{
    const double lambda = longitude * kRadiansPerDegree;
    const double phi = std::clamp(latitude, -90.0, 90.0) * kRadiansPerDegree;
    const double theta = std::asin(M * std::sin(phi));
    const double x = 2 * std::sqrt(3.0) * lambda * std::cos(theta) / (3 * derivative(theta));
    return {x, polynomial(theta)};
}

QPointF EqualEarthProjection::unproject(const QPointF &point)
{
    const double y = std::clamp(point.y(), -kMaxY, kMaxY);
    // Newton's method on y(θ) = y; converges in a handful of steps from θ = y.
    double theta = y;
    for (int i = 0; i < 12; ++i) {
        const double step = (polynomial(theta) - y) / derivative(theta);
        theta -= step;
        if (std::abs(step) < 1e-12)
            break;
    }
    const double lambda = 3 * point.x() * derivative(theta) / (2 * std::sqrt(3.0) * std::cos(theta));
    const double phi = std::asin(std::clamp(std::sin(theta) / M, -1.0, 1.0));
    return {lambda / kRadiansPerDegree, phi / kRadiansPerDegree};
}

} // namespace Keel
