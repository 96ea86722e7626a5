#pragma once

namespace Keel {

// std::visit over several lambdas: std::visit(Overloaded{[](A) {...}, [](B) {...}}, v).
template<class... Ts>
struct Overloaded : Ts...
{
    using Ts::operator()...;
};

} // namespace Keel
