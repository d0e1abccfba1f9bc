#include "checks/cli/shard.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/search/token.h"

namespace iowq {

namespace {

constexpr int exit_clean = 0;
constexpr int exit_found = 1;
constexpr int exit_usage = 2;
constexpr int exit_budget = 3;

bool parse_u64(std::string_view s, std::uint64_t &v)
{
    if (s.empty() || s.size() > 18)
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

int refuse(const std::string &msg)
{
    std::fprintf(stderr, "iowq-check: merge: %s\n", msg.c_str());
    return exit_usage;
}

struct shard_file {
    std::string name;
    nlohmann::json j;
    std::uint64_t index = 0, count = 0;
};

std::string shard_name(const shard_file &f)
{
    return fmt::format("{} (shard {}/{})", f.name, f.index, f.count);
}

// The shape of a shard's JSON, checked before merge reads it: each field merge or the printers
// read has the type iowq-check writes, and each replay token decodes. The first field that does
// not is named, with its file.
enum class kind {
    string,
    whole,
    number,
    boolean,
    object,
    array,
    token,
    whole_or_null,
    string_or_null
};

const char *kind_text(kind k)
{
    switch (k) {
    case kind::string:
        return "a string";
    case kind::whole:
        return "a whole number";
    case kind::number:
        return "a number";
    case kind::boolean:
        return "true or false";
    case kind::object:
        return "an object";
    case kind::array:
        return "an array";
    case kind::token:
        return "a replay token";
    case kind::whole_or_null:
        return "a whole number or null";
    case kind::string_or_null:
        return "a string or null";
    }
    return "?";
}

struct shape {
    std::string file;
    std::string error;  // the first problem, or ""

    // Whether `j` (at `path` in the file) is of kind `k`; notes the problem if not.
    bool is(const nlohmann::json &j, const std::string &path, kind k)
    {
        if (!error.empty())
            return false;
        bool ok = false;
        switch (k) {
        case kind::string:
            ok = j.is_string();
            break;
        case kind::whole:
            ok = j.is_number_unsigned() || (j.is_number_integer() && j.get<long long>() >= 0);
            break;
        case kind::number:
            ok = j.is_number();
            break;
        case kind::boolean:
            ok = j.is_boolean();
            break;
        case kind::object:
            ok = j.is_object();
            break;
        case kind::array:
            ok = j.is_array();
            break;
        case kind::whole_or_null:
            ok = j.is_null() || j.is_number_unsigned() ||
                 (j.is_number_integer() && j.get<long long>() >= 0);
            break;
        case kind::string_or_null:
            ok = j.is_null() || j.is_string();
            break;
        case kind::token: {
            if (!j.is_string()) {
                ok = false;
                break;
            }
            std::string why;
            if (!decode_token(j.get<std::string>(), why)) {
                error = fmt::format("{}: \"{}\" is not a replay token ({})", file, path, why);
                return false;
            }
            ok = true;
            break;
        }
        }
        if (!ok) {
            std::string type = j.type_name();
            std::string what = type == "null"                        ? type
                               : type == "object" || type == "array" ? "an " + type
                                                                     : "a " + type;
            error = fmt::format("{}: \"{}\" is {}, not {} as iowq-check writes it", file, path,
                                what, kind_text(k));
        }
        return ok;
    }

    // The field `key` of the object `j` (at `path`): required, or checked only if there.
    void field(const nlohmann::json &j, const std::string &path, const char *key, kind k,
               bool required = true)
    {
        if (!error.empty())
            return;
        std::string at = path.empty() ? key : path + "." + key;
        if (!j.contains(key)) {
            if (required)
                error = fmt::format("{}: \"{}\" is missing", file, at);
            return;
        }
        is(j[key], at, k);
    }

    // A finding's parts: its verdict and token, and whether it is a known issue (null: none).
    void finding(const nlohmann::json &j, const std::string &path, const char *key)
    {
        if (!error.empty() || !j.contains(key) || j[key].is_null())
            return;
        std::string at = path.empty() ? key : path + "." + key;
        if (!is(j[key], at, kind::object))
            return;
        field(j[key], at, "verdict", kind::string);
        field(j[key], at, "replay", kind::token);
        field(j[key], at, "known_issue", kind::string_or_null, false);
        field(j[key], at, "name", kind::string, false);
        field(j[key], at, "executions", kind::whole, false);
    }
};

// A split dpor tree's digest, as run prints it: 16 hex digits.
bool parse_digest(const nlohmann::json &split, std::uint64_t &out)
{
    std::string d = split.value("digest", "");
    if (d.size() != 16)
        return false;
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), out, 16);
    return ec == std::errc() && p == d.data() + d.size();
}

// The fields of a run shard that merge reads.
std::string run_shape(const shard_file &f)
{
    shape sh{f.name, ""};
    const nlohmann::json &j = f.j;
    const nlohmann::json &config = j["shard"]["config"];
    for (const char *k : {"scenario", "model", "name"})
        sh.field(config, "shard.config", k, kind::string);
    for (const char *k : {"seed", "iterations"})
        sh.field(config, "shard.config", k, kind::whole);
    bool dpor = sh.error.empty() && config["name"] == "dpor";
    if (dpor)
        for (const char *k : {"bound", "split_depth"})
            sh.field(config, "shard.config", k, kind::whole);
    sh.field(j, "", "verdict", kind::string);
    sh.field(j, "", "replay", kind::token, false);
    sh.field(j, "", "search", kind::object);
    if (sh.error.empty()) {
        const nlohmann::json &search = j["search"];
        sh.field(search, "search", "executions", kind::whole);
        sh.field(search, "search", "seconds", kind::number);
        sh.field(search, "search", "budget_ran_out", kind::boolean);
        sh.field(search, "search", "iteration", kind::whole, !dpor && j.contains("replay"));
        sh.field(search, "search", "complete", kind::boolean);
        if (dpor) {
            sh.field(search, "search", "split", kind::object);
            if (sh.error.empty()) {
                const nlohmann::json &split = search["split"];
                for (const char *k : {"depth", "subtrees", "searched", "executions"})
                    sh.field(split, "search.split", k, kind::whole);
                sh.field(split, "search.split", "digest", kind::string);
                sh.field(split, "search.split", "found_in_subtree", kind::whole,
                         j.contains("replay"));
                std::uint64_t digest = 0;
                if (sh.error.empty() && !parse_digest(split, digest))
                    sh.error =
                        fmt::format("{}: \"search.split.digest\" is not 16 hex digits", f.name);
            }
        }
    }
    sh.finding(j, "", "outside_focus");
    return sh.error;
}

// The fields of a verify shard that merge and verify_row_text() read.
std::string verify_shape(const shard_file &f)
{
    shape sh{f.name, ""};
    const nlohmann::json &j = f.j;
    const nlohmann::json &config = j["shard"]["config"];
    sh.field(config, "shard.config", "model", kind::string);
    sh.field(config, "shard.config", "bound", kind::whole);
    sh.field(config, "shard.config", "scenarios", kind::array);
    sh.field(config, "shard.config", "split_depth", kind::whole, false);
    bool split = sh.error.empty() && config.value("split_depth", 0ull) > 0;
    if (sh.error.empty())
        for (std::size_t i = 0; i < config["scenarios"].size(); i++)
            sh.is(config["scenarios"][i], fmt::format("shard.config.scenarios[{}]", i),
                  kind::string);
    sh.field(j, "", "results", kind::array);
    if (!sh.error.empty())
        return sh.error;
    for (std::size_t i = 0; i < j["results"].size(); i++) {
        const nlohmann::json &r = j["results"][i];
        std::string at = fmt::format("results[{}]", i);
        if (!sh.is(r, at, kind::object))
            break;
        for (const char *k : {"scenario", "result"})
            sh.field(r, at, k, kind::string);
        sh.field(r, at, "known_issue", kind::string_or_null, false);
        sh.field(r, at, "complete", kind::boolean);
        sh.field(r, at, "bound", kind::whole);
        sh.field(r, at, "executions", kind::whole);
        sh.field(r, at, "pending_branches", kind::whole_or_null, false);
        for (const char *k : {"finding", "own_search", "outside_focus"})
            sh.finding(r, at, k);
        if (split && sh.error.empty()) {
            sh.field(r, at, "split", kind::object);
            if (sh.error.empty()) {
                const nlohmann::json &sp = r["split"];
                for (const char *k : {"depth", "subtrees", "searched", "executions"})
                    sh.field(sp, at + ".split", k, kind::whole);
                sh.field(sp, at + ".split", "digest", kind::string);
                sh.field(sp, at + ".split", "found_in_subtree", kind::whole,
                         r.contains("finding") && r["finding"].is_object());
                std::uint64_t digest = 0;
                if (sh.error.empty() && !parse_digest(sp, digest))
                    sh.error =
                        fmt::format("{}: \"{}.split.digest\" is not 16 hex digits", f.name, at);
            }
        }
    }
    return sh.error;
}

// The known issue an entry names: its "known_issue" (null when there is none), or "".
std::string known_of(const nlohmann::json &j)
{
    if (!j.is_object() || !j.contains("known_issue") || !j["known_issue"].is_string())
        return "";
    return j["known_issue"].get<std::string>();
}

// Whether an entry has the part `key` (an object; null is none).
bool has(const nlohmann::json &j, const char *key)
{
    return j.contains(key) && j[key].is_object();
}

}  // namespace

bool verify_fails(const nlohmann::json &r)
{
    auto unknown = [&r](const char *part) { return has(r, part) && known_of(r[part]).empty(); };
    return r.value("result", "") == "found" || unknown("outside_focus") || unknown("own_search");
}

std::string verify_row_text(const nlohmann::json &r)
{
    std::string result = r.value("result", "");
    bool complete = r.value("complete", false);
    std::string text = result == "known"   ? "known " + known_of(r)
                       : result == "found" ? std::string("FOUND")
                       : complete          ? std::string("clean")
                                           : std::string("clean so far");
    std::string verdict = has(r, "finding") ? r["finding"].value("verdict", "") : "";
    // An incomplete dpor search says how many branches it left.
    const nlohmann::json &left =
        r.contains("pending_branches") ? r["pending_branches"] : nlohmann::json(nullptr);
    std::string done = complete ? std::string("yes")
                       : left.is_number()
                           ? fmt::format("no, {} branches left on its path", left.get<long long>())
                           : std::string("no");
    std::string out = fmt::format("  {:<38} bound {} {:>9} executions  {:<12} complete: {:<3} {}\n",
                                  r.value("scenario", ""), r.value("bound", 0),
                                  r.value("executions", 0ull), text, done, verdict);
    if (has(r, "finding"))
        out += fmt::format("      iowq-check replay {}\n", r["finding"].value("replay", ""));
    if (has(r, "own_search")) {
        const nlohmann::json &o = r["own_search"];
        std::string known = known_of(o);
        out += fmt::format("      its own search ({}, {} executions): {}, {}\n"
                           "      iowq-check replay {}\n",
                           o.value("name", ""), o.value("executions", 0ull),
                           known.empty() ? std::string("FOUND") : "known " + known,
                           o.value("verdict", ""), o.value("replay", ""));
    }
    if (has(r, "outside_focus")) {
        const nlohmann::json &o = r["outside_focus"];
        std::string known = known_of(o);
        out += fmt::format("      also found, outside this scenario's question: {}{}\n"
                           "      iowq-check replay {}\n",
                           known.empty() ? ""
                                         : fmt::format("the known issue {} (docs/findings.md), "
                                                       "not a failure: ",
                                                       known),
                           o.value("verdict", ""), o.value("replay", ""));
    }
    return out;
}

namespace {

// One scenario's rows from the shards of a verify whose trees were split (--split-depth): its
// shares added up as merge_dpor_run() adds a run's. The finding of the lowest subtree wins; a
// scenario is complete when every share is, and its shares must then cover its tree.
std::optional<nlohmann::json> merge_shares(const std::vector<nlohmann::json> &rows,
                                           std::string &error)
{
    const nlohmann::json *winner = nullptr;
    std::uint64_t executions = 0, searched = 0, digest = 0;
    // A complete share has met every subtree; an incomplete one only those before it stopped.
    std::uint64_t subtrees = 0;
    for (const nlohmann::json &r : rows)
        if (r.value("complete", false)) {
            subtrees = r["split"].value("subtrees", 0ull);
            break;
        }
    double seconds = 0;
    bool complete = true;
    const nlohmann::json *off = nullptr, *own = nullptr;
    for (const nlohmann::json &r : rows) {
        const nlohmann::json &sp = r["split"];
        std::uint64_t d = 0;
        parse_digest(sp, d);
        digest += d;
        executions += sp.value("executions", 0ull);
        searched += sp.value("searched", 0ull);
        seconds += r.value("seconds", 0.0);
        complete = complete && r.value("complete", false);
        if (r.value("complete", false) && sp.value("subtrees", 0ull) != subtrees) {
            error = fmt::format("the shards split {}'s tree into {} and {} subtrees: not the same "
                                "tree",
                                r.value("scenario", ""), subtrees, sp.value("subtrees", 0ull));
            return std::nullopt;
        }
        if (has(r, "finding") &&
            (!winner || sp.value("found_in_subtree", 0ull) <
                            (*winner)["split"].value("found_in_subtree", 0ull)))
            winner = &r;
        if (has(r, "outside_focus") &&
            (!off || (known_of(r["outside_focus"]).empty() && !known_of((*off)).empty())))
            off = &r["outside_focus"];
        if (has(r, "own_search") && !own)
            own = &r["own_search"];
    }
    if (complete && !winner && searched != subtrees) {
        error =
            fmt::format("the shards searched {} of {}'s subtrees between them, but its tree has "
                        "{}",
                        searched, rows.front().value("scenario", ""), subtrees);
        return std::nullopt;
    }
    nlohmann::json out = winner ? *winner : rows.front();
    out["executions"] = executions;
    out["seconds"] = seconds;
    out["complete"] = complete && !winner;
    out["pending_branches"] = nullptr;
    out["split"]["searched"] = searched;
    out["split"]["executions"] = executions;
    out["split"]["digest"] = fmt::format("{:016x}", digest);
    if (!winner) {
        out["result"] = "clean";
        out["known_issue"] = nullptr;
        out.erase("finding");
        out["split"].erase("found_in_subtree");
    }
    if (off)
        out["outside_focus"] = *off;
    else
        out.erase("outside_focus");
    if (own)
        out["own_search"] = *own;
    return out;
}

int merge_verify(const std::vector<shard_file> &shards, const std::string &format)
{
    const nlohmann::json &config = shards.front().j["shard"]["config"];
    std::vector<std::string> names = config.at("scenarios").get<std::vector<std::string>>();
    bool split = config.value("split_depth", 0ull) > 0;
    std::map<std::string, nlohmann::json> got;
    std::map<std::string, std::vector<nlohmann::json>> shares;
    for (const shard_file &f : shards) {
        if (!f.j.contains("results") || !f.j["results"].is_array())
            return refuse(shard_name(f) + " has no \"results\" array");
        shard_spec sh{f.index, f.count};
        std::vector<std::string> want;
        for (std::size_t k = 0; k < names.size(); k++)
            if (split || verify_shard_has(sh, k))
                want.push_back(names[k]);
        std::vector<std::string> have;
        for (const nlohmann::json &r : f.j["results"])
            have.push_back(r.value("scenario", ""));
        if (have != want)
            return refuse(fmt::format("{} has the results of [{}], but that shard verifies [{}]",
                                      shard_name(f), fmt::join(have, ", "), fmt::join(want, ", ")));
        for (const nlohmann::json &r : f.j["results"]) {
            got[r.value("scenario", "")] = r;
            shares[r.value("scenario", "")].push_back(r);
        }
    }
    if (split)
        for (auto &[name, rows] : shares) {
            std::string error;
            std::optional<nlohmann::json> r = merge_shares(rows, error);
            if (!r)
                return refuse(error);
            got[name] = *r;
        }
    int status = exit_clean;
    nlohmann::json all = nlohmann::json::array();
    for (const std::string &n : names) {
        const nlohmann::json &r = got.at(n);
        if (verify_fails(r))
            status = exit_found;
        else if (!r.value("complete", false) && status == exit_clean)
            status = exit_budget;
        all.push_back(r);
    }
    if (format == "json") {
        nlohmann::json out = {{"shard",
                               {{"command", "verify"},
                                {"count", shards.front().count},
                                {"merged", true},
                                {"config", config}}},
                              {"results", all},
                              {"status", status}};
        std::printf("%s\n", out.dump(2).c_str());
        return status;
    }
    std::printf(
        "verify %s: every scenario's question, dpor search, preemption bound %d%s, merged "
        "from %llu shards\n",
        config.value("model", "").c_str(), config.value("bound", 0),
        split ? fmt::format(", trees split at depth {}", config.value("split_depth", 0ull)).c_str()
              : "",
        static_cast<unsigned long long>(shards.front().count));
    for (const nlohmann::json &r : all)
        std::printf("%s", verify_row_text(r).c_str());
    return status;
}

// A merged run's finding outside the scenario's focus, as run prints one.
void print_off_focus(const nlohmann::json &off)
{
    std::string known = known_of(off);
    std::printf(
        "\nAlso found, outside this scenario's focus: %s%s\niowq-check replay %s\n",
        known.empty()
            ? ""
            : fmt::format("the known issue {} (docs/findings.md), not a failure: ", known).c_str(),
        off.value("verdict", "").c_str(), off.value("replay", "").c_str());
}

// The shards of one split dpor tree (run --search dpor --shard I/N): every shard searched the
// subtrees k = I-1 mod N of the same tree, so together they searched it all when each is
// complete and their subtrees add up to the tree's; the merged executions and digest are the
// unsharded search's with the same split. The finding is the one of the lowest subtree, the
// one that search would have met first.
int merge_dpor_run(const std::vector<shard_file> &shards, const std::string &format)
{
    const nlohmann::json &config = shards.front().j["shard"]["config"];
    const shard_file *winner = nullptr;
    std::uint64_t executions = 0, abandoned = 0, searched = 0, digest = 0;
    // A complete shard has met every subtree; an incomplete one only those before it stopped.
    std::uint64_t subtrees = 0;
    for (const shard_file &f : shards)
        if (f.j["search"].value("complete", false)) {
            subtrees = f.j["search"]["split"].value("subtrees", 0ull);
            break;
        }
    double seconds = 0;
    bool complete = true, off_fails = false;
    const nlohmann::json *off = nullptr;
    for (const shard_file &f : shards) {
        const nlohmann::json &search = f.j["search"];
        const nlohmann::json &split = search["split"];
        std::uint64_t d = 0;
        parse_digest(split, d);
        digest += d;
        executions += split.value("executions", 0ull);
        abandoned += search.value("executions", 0ull) - split.value("executions", 0ull);
        searched += split.value("searched", 0ull);
        seconds += search.value("seconds", 0.0);
        bool done = search.value("complete", false);
        complete = complete && done;
        if (done && split.value("subtrees", 0ull) != subtrees)
            return refuse(fmt::format("{} splits the tree into {} subtrees, another complete "
                                      "shard into {}: not the same tree",
                                      shard_name(f), split.value("subtrees", 0ull), subtrees));
        if (f.j.contains("replay") &&
            (!winner || split.value("found_in_subtree", 0ull) <
                            winner->j["search"]["split"].value("found_in_subtree", 0ull)))
            winner = &f;
        if (has(f.j, "outside_focus")) {
            bool fails = known_of(f.j["outside_focus"]).empty();
            if (!off || (fails && !off_fails))
                off = &f.j["outside_focus"];
            off_fails |= fails;
        }
    }
    // Complete shards must cover the tree between them, each subtree once.
    if (complete && !winner && searched != subtrees)
        return refuse(fmt::format("the shards searched {} subtrees between them, but the tree has "
                                  "{}",
                                  searched, subtrees));
    int status = winner || off_fails ? exit_found : !complete ? exit_budget : exit_clean;
    nlohmann::json out = winner ? winner->j : shards.front().j;
    out["search"]["executions"] = executions;
    out["search"]["seconds"] = seconds;
    out["search"]["complete"] = complete && !winner;
    out["search"]["budget_ran_out"] = !complete && !winner;
    out["search"].erase("pending_branches");
    out["search"]["split"]["searched"] = searched;
    out["search"]["split"]["executions"] = executions;
    out["search"]["split"]["abandoned"] = abandoned;
    out["search"]["split"]["digest"] = fmt::format("{:016x}", digest);
    if (winner)
        out["search"]["found_by_shard"] = winner->index;
    out["outside_focus"] = off ? *off : nlohmann::json(nullptr);
    out["shard"] = {
        {"command", "run"}, {"count", shards.front().count}, {"merged", true}, {"config", config}};
    out["status"] = status;
    if (format == "json") {
        std::printf("%s\n", out.dump(2).c_str());
        return status;
    }
    std::printf("run %s on %s, dpor search, bound %llu, tree split at depth %llu, merged from %llu "
                "shards: %s\n",
                config.value("scenario", "").c_str(), config.value("model", "").c_str(),
                static_cast<unsigned long long>(config.value("bound", 0ull)),
                static_cast<unsigned long long>(config.value("split_depth", 0ull)),
                static_cast<unsigned long long>(shards.front().count),
                winner      ? out.value("verdict", "").c_str()
                : !complete ? "nothing found before a shard's budget ran out"
                            : "nothing found; complete");
    // The counts of a search a finding stopped describe only the subtrees finished before it.
    if (!winner) {
        std::printf("  subtrees: %llu, searched: %llu\n", static_cast<unsigned long long>(subtrees),
                    static_cast<unsigned long long>(searched));
        std::printf("  executions in them: %llu (and %llu abandoned where another shard's "
                    "subtree begins)\n",
                    static_cast<unsigned long long>(executions),
                    static_cast<unsigned long long>(abandoned));
        std::printf("  digest: %016llx\n", static_cast<unsigned long long>(digest));
    }
    if (winner) {
        std::printf("  found in subtree %llu (shard %llu/%llu)\n",
                    static_cast<unsigned long long>(
                        winner->j["search"]["split"].value("found_in_subtree", 0ull)),
                    static_cast<unsigned long long>(winner->index),
                    static_cast<unsigned long long>(winner->count));
        std::printf("iowq-check replay %s\n", out.value("replay", "").c_str());
    }
    if (off)
        print_off_focus(*off);
    return status;
}

int merge_run(const std::vector<shard_file> &shards, const std::string &format)
{
    if (shards.front().j["shard"]["config"].value("name", "") == "dpor")
        return merge_dpor_run(shards, format);
    const nlohmann::json &config = shards.front().j["shard"]["config"];
    // The finding of the lowest execution number is the one an unsharded search meets first.
    const shard_file *winner = nullptr;
    std::uint64_t executions = 0;
    double seconds = 0;
    bool budget = false, off_fails = false;
    const nlohmann::json *off = nullptr;
    for (const shard_file &f : shards) {
        const nlohmann::json &j = f.j;
        if (!j.contains("search") || !j.contains("verdict"))
            return refuse(shard_name(f) + " is not the JSON of iowq-check run");
        executions += j["search"].value("executions", 0ull);
        seconds += j["search"].value("seconds", 0.0);
        budget |= j["search"].value("budget_ran_out", false);
        if (j.contains("replay")) {
            std::uint64_t it = j["search"].value("iteration", 0ull);
            if (!winner || it < winner->j["search"].value("iteration", 0ull))
                winner = &f;
        }
        if (has(j, "outside_focus")) {
            bool fails = known_of(j["outside_focus"]).empty();
            if (!off || (fails && !off_fails))
                off = &j["outside_focus"];
            off_fails |= fails;
        }
    }
    int status = winner || off_fails ? exit_found : budget ? exit_budget : exit_clean;
    nlohmann::json out = winner ? winner->j : shards.front().j;
    out["search"]["executions"] = executions;
    out["search"]["seconds"] = seconds;
    out["search"]["budget_ran_out"] = budget;
    if (winner)
        out["search"]["found_by_shard"] = winner->index;
    else
        out["search"].erase("iteration");
    out["outside_focus"] = off ? *off : nlohmann::json(nullptr);
    out["shard"] = {
        {"command", "run"}, {"count", shards.front().count}, {"merged", true}, {"config", config}};
    out["status"] = status;
    if (format == "json") {
        std::printf("%s\n", out.dump(2).c_str());
        return status;
    }
    std::printf(
        "run %s on %s, %s search, seed %llu, %llu executions, merged from %llu shards: %s\n",
        config.value("scenario", "").c_str(), config.value("model", "").c_str(),
        config.value("name", "").c_str(),
        static_cast<unsigned long long>(config.value("seed", 0ull)),
        static_cast<unsigned long long>(config.value("iterations", 0ull)),
        static_cast<unsigned long long>(shards.front().count),
        winner   ? out.value("verdict", "").c_str()
        : budget ? "nothing found before a shard's budget ran out"
                 : "nothing found");
    std::printf("  executions run: %llu\n", static_cast<unsigned long long>(executions));
    if (winner) {
        std::printf("  found in execution %llu of the search (shard %llu/%llu)\n",
                    static_cast<unsigned long long>(out["search"].value("iteration", 0ull)),
                    static_cast<unsigned long long>(winner->index),
                    static_cast<unsigned long long>(winner->count));
        std::printf("iowq-check replay %s\n", out.value("replay", "").c_str());
    }
    if (off)
        print_off_focus(*off);
    return status;
}

}  // namespace

std::optional<shard_spec> parse_shard(std::string_view s, std::string &error)
{
    std::size_t slash = s.find('/');
    shard_spec sh;
    if (slash == std::string_view::npos || !parse_u64(s.substr(0, slash), sh.index) ||
        !parse_u64(s.substr(slash + 1), sh.count)) {
        error = "--shard takes I/N, two whole numbers (shard I of N, 1 <= I <= N), not '" +
                std::string(s) + "'";
        return std::nullopt;
    }
    if (sh.count < 1 || sh.index < 1 || sh.index > sh.count) {
        error = fmt::format("--shard {}: shards are numbered 1 to N, and N is at least 1", s);
        return std::nullopt;
    }
    return sh;
}

namespace {

int merge_checked(const std::vector<std::string> &files, const std::string &format)
{
    if (files.empty())
        return refuse("name the shards' JSON results (iowq-check ... --shard I/N --format json)");
    std::vector<shard_file> shards;
    for (const std::string &name : files) {
        std::error_code ec;
        if (std::filesystem::is_directory(name, ec))
            return refuse(name + " is a directory, not a shard's JSON result");
        std::ifstream in(name, std::ios::binary);
        if (!in)
            return refuse("cannot read " + name + ": " + std::strerror(errno));
        std::ostringstream text;
        text << in.rdbuf();
        if (in.bad())
            return refuse("cannot read " + name);
        shard_file f;
        f.name = name;
        f.j = nlohmann::json::parse(text.str(), nullptr, false);
        if (f.j.is_discarded())
            return refuse(name + " is not JSON");
        if (!f.j.is_object() || !f.j.contains("shard") || !f.j["shard"].is_object() ||
            !f.j["shard"].contains("config"))
            return refuse(
                name + " is not a shard's result (run or verify with --shard I/N --format json)");
        const nlohmann::json &sh = f.j["shard"];
        shape fields{name, ""};
        fields.field(sh, "shard", "command", kind::string);
        fields.field(sh, "shard", "config", kind::object);
        fields.field(sh, "shard", "merged", kind::boolean, false);
        if (!fields.error.empty())
            return refuse(fields.error);
        if (sh.value("merged", false))
            return refuse(name + " is already a merged result");
        if (!sh.contains("index") || !sh["index"].is_number_unsigned() || !sh.contains("count") ||
            !sh["count"].is_number_unsigned())
            return refuse(name + " does not say which shard it is");
        f.index = sh["index"].get<std::uint64_t>();
        f.count = sh["count"].get<std::uint64_t>();
        if (f.count < 1 || f.index < 1 || f.index > f.count)
            return refuse(name +
                          fmt::format(" names shard {}/{}, which cannot exist", f.index, f.count));
        std::string command = sh["command"].get<std::string>();
        std::string wrong = command == "run"      ? run_shape(f)
                            : command == "verify" ? verify_shape(f)
                                                  : "";
        if (!wrong.empty())
            return refuse(wrong);
        shards.push_back(std::move(f));
    }
    const shard_file &first = shards.front();
    std::map<std::uint64_t, const shard_file *> seen;
    for (const shard_file &f : shards) {
        if (f.j["shard"].value("command", "") != first.j["shard"].value("command", "") ||
            f.count != first.count || f.j["shard"]["config"] != first.j["shard"]["config"])
            return refuse(fmt::format("inconsistent shards: {} and {} are not parts of the same "
                                      "search (command, shard count or settings differ)",
                                      shard_name(first), shard_name(f)));
        if (seen.count(f.index))
            return refuse(fmt::format("shard {}/{} given twice: {} and {}", f.index, f.count,
                                      seen[f.index]->name, f.name));
        seen[f.index] = &f;
    }
    std::vector<std::string> missing;
    for (std::uint64_t i = 1; i <= first.count; i++)
        if (!seen.count(i))
            missing.push_back(fmt::format("{}/{}", i, first.count));
    if (!missing.empty())
        return refuse(fmt::format("missing shard{}: {}", missing.size() > 1 ? "s" : "",
                                  fmt::join(missing, ", ")));
    std::vector<shard_file> ordered;
    for (auto &[i, f] : seen)
        ordered.push_back(*f);
    std::string command = first.j["shard"].value("command", "");
    if (command == "verify")
        return merge_verify(ordered, format);
    if (command == "run")
        return merge_run(ordered, format);
    return refuse(first.name + " names no command iowq-check can merge");
}

}  // namespace

int merge_shards(const std::vector<std::string> &files, const std::string &format)
{
    // The shapes are checked before anything is read; should a field still surprise the JSON
    // library, that is an input error too, not an abort.
    try {
        return merge_checked(files, format);
    } catch (const std::exception &e) {
        return refuse(std::string("a shard's JSON is not as iowq-check writes it: ") + e.what());
    }
}

}  // namespace iowq
