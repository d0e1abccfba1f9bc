// What the commands share: exit statuses, colour, the one-line search summary, the part of a
// report about findings outside the focus, and turning names and tokens into what they name (or
// a usage error, exit 2).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checks/cli/bench.h"
#include "checks/cli/commands.h"
#include "checks/checker.h"
#include "checks/cli/cli.h"
#include "checks/report/html.h"
#include "checks/report/text.h"
#include "checks/cli/shard.h"
#include "checks/report/splat.h"
#include "model/fixes.h"

namespace iowq::cli {

bool color_out()
{
    return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
}
bool progress_err()
{
    return isatty(STDERR_FILENO);
}

[[noreturn]] void usage_error(const std::string &msg)
{
    std::fprintf(stderr, "iowq-check: %s\n", msg.c_str());
    std::exit(exit_usage);
}

std::string shard_text(const run_options &o)
{
    return o.shard_count > 1 ? fmt::format(", shard {}/{}", o.shard_index, o.shard_count) : "";
}

std::string search_name(const run_options &o)
{
    switch (o.search) {
    case search_kind::random:
        return fmt::format("random search, stay {}%, seed {}{}", o.stay, o.seed, shard_text(o));
    case search_kind::pct:
        return fmt::format("PCT search, depth {}, seed {}{}", o.depth, o.seed, shard_text(o));
    case search_kind::bound:
        return fmt::format("context-bound search, bound {}", o.bound);
    case search_kind::dpor:
        return fmt::format("dpor search, bound {}", o.bound);
    case search_kind::full:
        return "full search";
    case search_kind::sequential:
        return "sequential run";
    case search_kind::replay:
        return "replay";
    }
    return "?";
}

// One line about the search itself, for stderr: it is not part of the (replayable) report.
void print_search_summary(const check_outcome &c)
{
    const run_result &r = c.search;
    std::string what;
    switch (r.v) {
    case verdict::found:
        what = fmt::format("found in execution {} ({:.2f} s)", r.executions, r.seconds);
        break;
    case verdict::clean:
        what = r.complete ? fmt::format("nothing found; complete: {} executions ({:.2f} s)",
                                        r.executions, r.seconds)
                          : fmt::format("nothing found in {} executions ({:.2f} s)", r.executions,
                                        r.seconds);
        break;
    case verdict::budget:
        what = fmt::format("budget ran out after {} executions ({:.2f} s), search incomplete",
                           r.executions, r.seconds);
        if (r.pending >= 0)
            what += fmt::format("; {} branches of the bound-{} tree still to try on its path "
                                "(each a subtree)",
                                r.pending, c.run.bound);
        else if (r.covered >= 0)
            what += fmt::format("; {:.0f}% of the executions asked for", 100 * r.covered);
        break;
    }
    std::fprintf(stderr, "iowq-check: %s on %s, %s: %s\n", c.scenario->name, c.model.name.c_str(),
                 search_name(c.run).c_str(), what.c_str());
}

// Whether a finding outside the scenario's focus fails the run: it does unless it is a known
// issue (known_issue(), docs/findings.md).
bool off_focus_fails(const check_outcome &c)
{
    return !c.off_focus_verdict.empty() && !c.off_focus_known;
}

std::string known_text(const check_outcome &c)
{
    return c.off_focus_known ? fmt::format("the known issue {} (docs/findings.md), not a failure: ",
                                           c.off_focus_known)
                             : std::string();
}

std::string off_focus_text(const check_outcome &c)
{
    return fmt::format("Also found, outside this scenario's focus ({}), in {} execution(s): {}{}\n"
                       "iowq-check replay {}\n",
                       c.scenario->focus_text ? c.scenario->focus_text : "every finding",
                       c.search.off_focus, known_text(c), c.off_focus_verdict, c.off_focus_token);
}

void print_off_focus(const check_outcome &c, std::FILE *to)
{
    if (c.off_focus_verdict.empty())
        return;
    std::fprintf(to, "\n%s", off_focus_text(c).c_str());
}

nlohmann::json off_focus_json(const check_outcome &c)
{
    nlohmann::json j = {{"verdict", c.off_focus_verdict},
                        {"executions", c.search.off_focus},
                        {"replay", c.off_focus_token},
                        {"known_issue", c.off_focus_known ? c.off_focus_known : ""}};
    return j;
}

int status_of(const check_outcome &c)
{
    if (c.search.v == verdict::found || off_focus_fails(c))
        return exit_found;
    if (c.search.v == verdict::budget)
        return exit_budget;
    return exit_clean;
}

const scenario_info &scenario_or_die(const std::string &name)
{
    const scenario_info *s = find_scenario(name);
    if (!s) {
        std::string known;
        for (const scenario_info *x : scenarios())
            known += std::string(known.empty() ? "" : ", ") + x->name;
        usage_error("unknown scenario '" + name + "'; the scenarios are: " + known);
    }
    return *s;
}

model_choice model_or_die(const std::string &spec)
{
    std::string error;
    auto m = parse_model(spec, error);
    if (!m)
        usage_error(error);
    return *m;
}

replay_spec token_or_die(const std::string &token)
{
    std::string error;
    auto spec = decode_token(token, error);
    if (!spec)
        usage_error("bad replay token: " + error);
    if (!find_scenario_id(spec->scenario))
        usage_error("bad replay token: it names a scenario this iowq-check does not have");
    return *spec;
}

shard_spec shard_or_die(const std::string &s)
{
    std::string error;
    auto sh = parse_shard(s, error);
    if (!sh)
        usage_error(error);
    return *sh;
}

check_options options_of(const run_args &a)
{
    check_options o;
    if (!a.search.empty())
        o.search = search_named(a.search);  // checked by the parse
    o.bound = a.bound ? *a.bound : -1;
    o.seed = a.seed;
    o.depth = static_cast<unsigned>(a.depth);
    o.stay = a.stay ? static_cast<unsigned>(*a.stay) : default_stay;
    o.max_executions = a.executions;
    o.max_seconds = a.seconds;
    o.iterations = a.executions;
    o.until = a.until;
    o.multi_shot = a.multi_shot;
    return o;
}

}  // namespace iowq::cli
