// Progress on stderr (--progress): the runner calls on_search() now and then while a search
// runs (checks/search/runner.h, progress_hook); the commands name what is searched
// (progress_label()) and erase the status line before they print (progress_clear()). The text
// is progress_text() (cli.cc); stdout and the lines stderr keeps are what they are without it.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "checks/cli/commands.h"
#include "checks/search/runner.h"

namespace iowq::cli {

namespace {

progress_style style = progress_style::none;
std::chrono::steady_clock::duration interval{};
std::chrono::steady_clock::time_point last_shown{};
std::string label_before, label_after;
bool drawn = false;  // a status line is on the terminal

void put(const char *text, std::size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);
        if (w <= 0)
            return;  // progress is not worth an error
        text += w;
        n -= static_cast<std::size_t>(w);
    }
}

// Called from inside a search, where Relacy counts every allocation as the model's (and a
// replay would then differ): nothing here allocates.
void on_search(const progress_info &p)
{
    if (p.done) {
        progress_clear();
        return;
    }
    progress_state s;
    s.before = label_before;
    s.what = p.scenario ? p.scenario : "";
    s.after = label_after;
    s.executions = p.executions;
    s.seconds = p.seconds;
    s.pending = p.pending;
    s.max_executions = p.max_executions;
    s.iterations = p.iterations;
    s.max_seconds = p.max_seconds;
    progress_show(s);
}

}  // namespace

void set_progress(const std::string &mode)
{
    const char *term = std::getenv("TERM");
    style = progress_style_for(mode, isatty(STDERR_FILENO), term);
    interval = std::chrono::milliseconds(
        progress_interval_ms(style, std::getenv("IOWQ_PROGRESS_INTERVAL_MS")));
    last_shown = std::chrono::steady_clock::now();
    progress_hook &h = current_progress_hook();
    h.fn = style == progress_style::none ? nullptr : &on_search;
    h.interval = interval;
}

bool progress_on()
{
    return style != progress_style::none;
}

void progress_off()
{
    style = progress_style::none;
    current_progress_hook().fn = nullptr;
    drawn = false;  // a job's process never draws; its parent's line is the parent's
}

void progress_label(const std::string &before, const std::string &after)
{
    label_before = before;
    label_after = after;
}

bool progress_due()
{
    return progress_on() && std::chrono::steady_clock::now() - last_shown >= interval;
}

void progress_show(const progress_state &s)
{
    last_shown = std::chrono::steady_clock::now();
    char buf[512];
    if (style == progress_style::log) {
        static constexpr char head[] = "iowq-check: progress: ";
        std::size_t n = sizeof head - 1;
        std::memcpy(buf, head, n);
        n += progress_format(buf + n, sizeof buf - n - 1, s);
        buf[n++] = '\n';
        put(buf, n);
    } else if (style == progress_style::line) {
        // One line, cut to the terminal's width (a line that wrapped could not be rewritten),
        // then clear to the end of the line.
        struct winsize ws {};
        std::size_t cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
        buf[0] = '\r';
        std::size_t n = 1 + progress_format(buf + 1, std::min(cols, sizeof buf - 8), s);
        std::memcpy(buf + n, "\033[K", 3);
        put(buf, n + 3);
        drawn = true;
    }
}

void progress_clear()
{
    if (!drawn)
        return;
    put("\r\033[K", 4);
    drawn = false;
}

}  // namespace iowq::cli
