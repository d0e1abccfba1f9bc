// libFuzzer target: iowq-check's command line (checks/cli/cli.cc), argument by argument.
//
// The input is split at NUL bytes into at most 24 arguments after "iowq-check". Properties: the
// parse never crashes or throws; it either names a command to run, or prints help and exits 0,
// or refuses with status 2 and a message on stderr that begins "iowq-check: " and prints
// nothing on stdout.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "checks/cli/cli.h"

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_cli: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::vector<std::string> args = {"iowq-check"};
    std::string cur;
    for (std::size_t i = 0; i < size && args.size() <= 24; i++) {
        if (data[i] == 0) {
            args.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(static_cast<char>(data[i]));
        }
    }
    if (!cur.empty() && args.size() <= 24)
        args.push_back(cur);
    std::vector<const char *> argv;
    for (const std::string &a : args)
        argv.push_back(a.c_str());

    iowq::command_line cl;
    iowq::parse_outcome p;
    try {
        p = iowq::parse_command_line(static_cast<int>(argv.size()), argv.data(), cl);
    } catch (...) {
        fail("the parse threw");
    }
    if (p.status < 0)
        return 0;
    if (p.status == 0) {
        if (p.out.empty())
            fail("exit 0 without a command and without help");
        return 0;
    }
    if (p.status != 2)
        fail("a status other than 0 or 2");
    if (p.err.rfind("iowq-check: ", 0) != 0)
        fail("a refusal without an 'iowq-check: ' message");
    if (!p.out.empty())
        fail("a refusal printed on stdout");
    return 0;
}
