// iowq-check's HTML page of a finding (--format html): one self-contained file, inline CSS, no
// script, no network; the schedule as a table with one lane per task, drawn from the same
// schedule_of() steps as the text report. Pure functions of plain data: never inside Relacy's
// fibers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/report/text.h"

namespace iowq {

// Every text on a page is escaped with xml_escape() (checks/report/text.h).

// The page of one run (run, replay): the verdict, the kernel-style report with its call trace,
// the schedule with the finding's row marked, and the commands that replay it. `notes` are
// further paragraphs (a finding outside the scenario's focus, with its token).
std::string html_report(const report_input &in, const std::vector<std::string> &notes = {});

// The page of diff: one schedule on two models, side by side, the step where they part marked.
struct diff_input {
    std::string scenario;
    std::string token;
    report_input a;        // the token's own run
    report_input b;        // the same decisions on the other model
    int part = -1;         // first_difference() of the two records: an event index, or -1
    std::string diverged;  // a note that b could not follow the schedule, or ""
};
std::string html_diff(const diff_input &d);

}  // namespace iowq
