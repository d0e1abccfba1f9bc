// The commands of iowq-check (run.cc, verify.cc, iowq-check.cc) and what they share
// (common.cc). Each command returns the process's exit status.
#pragma once

#include <cstdint>
#include <sys/types.h>

#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "checks/checker.h"
#include "checks/cli/cli.h"
#include "checks/cli/shard.h"
#include "checks/report/text.h"

namespace iowq::cli {

using namespace iowq;

inline constexpr int exit_clean = 0;
inline constexpr int exit_found = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_budget = 3;
inline constexpr int exit_internal = 4;  // the checker's own failure (a replay that differed)

// common.cc
void set_color(const std::string &mode);  // --color: auto, always or never
bool color_out();
void set_model_sites(bool on);     // --model-sites
void set_view(schedule_detail d);  // --view of run and replay
// The report of a run as the command line prints it: colour and coordinates as asked.
report_input cli_report(const check_outcome &c);
// progress.cc: --progress, while a search runs (the runner's progress_hook) and for verify's
// jobs (progress_show()). progress_label() names what the searches that follow are part of
// ("verify patched, scenario 3/11: ", " on patched"); progress_clear() erases a status line
// before anything else is printed; progress_off() in a job's process.
void set_progress(const std::string &mode);  // auto, always or never
bool progress_on();
void progress_off();
void progress_label(const std::string &before, const std::string &after);
bool progress_due();  // the interval has passed since the last line
void progress_show(const progress_state &s);
void progress_clear();
[[noreturn]] void usage_error(const std::string &msg);
// SIGINT and SIGTERM (common.cc): the handlers, the signal that came (0: none), a fork of a job
// that dies with this process (0 in the job, its pid here, < 0 if fork failed), the job's end,
// and dying of the signal that came (a shell sees 128 + it: 130, 143).
void install_interrupt_handlers();
int interrupted();
void running_jobs(bool on);  // while on, a signal is left to the caller (run_rows())
pid_t fork_job();
void job_done(pid_t pid);
[[noreturn]] void die_of(int sig);
std::string shard_text(const run_options &o);
std::string search_name(const run_options &o);
void print_search_summary(const check_outcome &c);
bool off_focus_fails(const check_outcome &c);
std::string known_text(const check_outcome &c);
std::string off_focus_text(const check_outcome &c);
void print_off_focus(const check_outcome &c, std::FILE *to);
nlohmann::json off_focus_json(const check_outcome &c);
// The report of a finding outside the focus, replayed from its token (c = replay(...)).
report_input off_focus_report(const check_outcome &c);
int status_of(const check_outcome &c);
const scenario_info &scenario_or_die(const std::string &name);
model_choice model_or_die(const std::string &spec);
replay_spec token_or_die(const std::string &token);
shard_spec shard_or_die(const std::string &s);
check_options options_of(const run_args &a);

// run.cc
int cmd_list();
int cmd_run(const run_args &a);
struct replay_output_parts {
    std::string printed;   // what the command prints, Relacy's history included (--relacy-history)
    std::string compared;  // the same without Relacy's history (it prints host addresses)
    std::string note;      // for stderr: the known issue the finding is, or ""
};
replay_output_parts replay_output(const replay_spec &spec, const std::string &format, bool raw,
                                  int &status);
int cmd_replay(const std::string &token, const std::string &format, bool raw, int repeat,
               double seconds);
int cmd_diff(const std::string &token, const std::string &other, const std::string &format);
int cmd_bisect(double seconds, const std::string &only);

// verify.cc
struct verify_result {
    int status = exit_clean;
    bool as_pinned = true;  // every scenario's result agrees with its pinned verdict
};
// The pinned verdict of scenario s on a named model version, or nullptr for a fix list.
const char *pinned(const scenario_info &s, const model_choice &m);
// Every scenario, its own question, by the dpor search at `bound`; one certificate line each.
verify_result verify(const std::string &model, int bound, double seconds, const std::string &format,
                     std::uint64_t executions = 0, const std::optional<shard_spec> &shard = {},
                     unsigned jobs = 1, unsigned split_depth = 0);
int cmd_verify(const std::string &model, int bound, double seconds, std::uint64_t executions,
               const std::string &format, const std::string &shard, unsigned jobs,
               unsigned split_depth);

// iowq-check.cc
int cmd_demo();

}  // namespace iowq::cli
