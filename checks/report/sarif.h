// iowq-check's findings as a SARIF 2.1.0 log (--format sarif), for code-scanning services: one
// result per finding, placed at the kernel's file and line of its access (fs/io-wq.c:NNN,
// from kernel-lines.def), with its schedule as a code flow (one thread flow per task) and its
// replay token. Always in the kernel's coordinates, relative to the uriBaseId KERNEL_SRC (the
// root of a kernel tree): no path of the machine that ran the check. Pure functions of plain
// data: never inside Relacy's fibers.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/text.h"

namespace iowq {

// The stable id of a finding's kind ("kasan-use-after-free", "kcsan-data-race", ...): the
// SARIF ruleId, the same for every finding of that kind whatever its function.
std::string sarif_rule_id(const model::rt::finding &f);

// One finding to report: the report of its execution (scenario, model, record, the finding's
// index, token; its coordinates are ignored) and how it counts.
struct sarif_finding {
    report_input report;
    const char *known = nullptr;  // the known issue it is (docs/findings.md), or nullptr
    bool fails = true;            // it fails the run: level "error"; else "note"
    std::string context;          // a sentence on where it was found, or ""
};

struct sarif_input {
    std::string version;  // iowq-check's
    std::vector<sarif_finding> findings;
    nlohmann::json properties = nlohmann::json::object();  // the run's: command, model, status...
};

// The whole log: $schema, version "2.1.0", one run with the tool, the rules its results use,
// and the results (an empty array when nothing was found).
nlohmann::json sarif_log(const sarif_input &in);
// The same from results made apart (verify's, one scenario's in each of its processes).
nlohmann::json sarif_log(const std::string &version, const nlohmann::json &results,
                         const nlohmann::json &properties);
// One finding's result, or null if the report has no finding.
nlohmann::json sarif_result(const sarif_finding &sf);

// "file:line" (as kernel_location() gives it) as a SARIF physicalLocation, or null if empty.
nlohmann::json sarif_physical_location(const std::string &where);

}  // namespace iowq
