#pragma once

#include "httpserver.h"

#include <string>

namespace keel::agent {

// The --http port: component C answers under /C/... once the runtime exists. Until
// then every component path is a clear 404 and / lists the (empty) component set.
class DataPlane final
{
public:
    explicit DataPlane(std::string nodeName);

    HttpResponse handle(const HttpRequest &request) const;

private:
    std::string m_nodeName;
};

} // namespace keel::agent
