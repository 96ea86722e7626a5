// Boost.URL and Boost.JSON ship as compiled libraries that Debian 12 does not package;
// both support building their sources into exactly one translation unit instead.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
