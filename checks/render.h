// How iowq-check prints what it found: the kernel-style report, the schedule as one lane per
// task in kernel function names, and the replay line; and the same as JSON or JUnit XML.
// Pure functions of plain data: never inside Relacy's fibers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/record.h"

namespace iowq {

struct report_input {
    std::string scenario;
    std::string model;
    std::string verdict;  // the title of the finding, or "clean"
    const execution_record *record = nullptr;
    int finding = -1;  // index in record->findings of the finding the report is about
    std::string token;
    bool color = false;
};

// The schedule of an execution: one column per task, time flowing down, in kernel terms.
std::string swimlane(const execution_record &r, int finding, bool color);

// The whole report: verdict line, finding block, schedule, and "iowq-check replay <TOKEN>".
std::string text_report(const report_input &in);

nlohmann::json json_finding(const execution_record &r, const model::rt::finding &f);
nlohmann::json json_report(const report_input &in);

// One <testcase> of a JUnit report.
struct junit_case {
    std::string name;
    std::string classname;
    double seconds = 0;
    std::string failure;  // empty: passed
    std::string details;
    bool skipped = false;
    std::string skip_message;
};
std::string junit_xml(const std::string &suite, const std::vector<junit_case> &cases);

// Escapes text for XML character data and attribute values.
std::string xml_escape(const std::string &s);

}  // namespace iowq
