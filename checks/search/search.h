// The search strategies by name, for the command line (checks/cli/cli.h) and the runner alike.
// Never runs inside Relacy's fibers.
#pragma once

#include <optional>
#include <string_view>

namespace iowq {

// sequential is replay with an empty script.
enum class search { sequential, random, pct, bound, full, replay, dpor };

// The strategies a user can name, in the order help texts list them.
inline constexpr const char *search_names = "random, pct, bound, dpor, full";

// The random search's default chance, in percent, that the running task keeps the CPU at a
// scheduling point (--stay). A uniform choice at every point (--stay 0) switches tasks at most
// points, while a lifecycle race needs a few switches at the right places and long runs of
// one task between them; docs/performance.md has the measurements behind 80.
inline constexpr unsigned default_stay = 80;

// A strategy a user can name (random, pct, bound, dpor, full), or nothing.
inline std::optional<search> search_named(std::string_view s)
{
    if (s == "random")
        return search::random;
    if (s == "pct")
        return search::pct;
    if (s == "bound")
        return search::bound;
    if (s == "dpor")
        return search::dpor;
    if (s == "full")
        return search::full;
    return std::nullopt;
}

// The name of a strategy, as search_named() takes it.
inline const char *search_name(search s)
{
    switch (s) {
    case search::random:
        return "random";
    case search::pct:
        return "pct";
    case search::bound:
        return "bound";
    case search::dpor:
        return "dpor";
    case search::full:
        return "full";
    case search::sequential:
    case search::replay:
        break;
    }
    return "replay";
}

}  // namespace iowq
