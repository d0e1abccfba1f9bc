// The searches by name, for the command line (checks/cli/cli.h) and the runner alike.
// Never runs inside Relacy's fibers.
#pragma once

#include <optional>
#include <string_view>

namespace iowq {

// sequential is replay with an empty script.
enum class search_kind { sequential, random, pct, bound, full, replay, dpor };

// The searches a user can name, in the order help texts list them.
inline constexpr const char *search_names = "random, pct, bound, dpor, full";

// The random search's default chance, in percent, that the running task keeps the CPU at a
// scheduling point (--stay). A uniform choice at every point (--stay 0) switches tasks at most
// points, while a lifecycle race needs a few switches at the right places and long runs of
// one task between them; docs/performance.md has the measurements behind 80.
inline constexpr unsigned default_stay = 80;

// A search a user can name (random, pct, bound, dpor, full), or nothing.
inline std::optional<search_kind> search_named(std::string_view s)
{
    if (s == "random")
        return search_kind::random;
    if (s == "pct")
        return search_kind::pct;
    if (s == "bound")
        return search_kind::bound;
    if (s == "dpor")
        return search_kind::dpor;
    if (s == "full")
        return search_kind::full;
    return std::nullopt;
}

// The name of a search, as search_named() takes it.
inline const char *search_name(search_kind s)
{
    switch (s) {
    case search_kind::random:
        return "random";
    case search_kind::pct:
        return "pct";
    case search_kind::bound:
        return "bound";
    case search_kind::dpor:
        return "dpor";
    case search_kind::full:
        return "full";
    case search_kind::sequential:
    case search_kind::replay:
        break;
    }
    return "replay";
}

}  // namespace iowq
