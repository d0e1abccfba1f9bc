#include <cstdlib>

#include "model/linux/bug.h"

using namespace model::rt;

bool model_warn(bool cond, const warn_site *site, bool once)
{
    if (!cond)
        return false;
    if (once && !warn_once_first(site))
        return true;
    finding f = make_finding(finding_kind::warn, site->cond);
    f.file = site->file;
    f.line = site->line;
    raise(f);
    return true;
}

void model_bug(const warn_site *site)
{
    finding f = make_finding(finding_kind::bug, site->cond);
    f.file = site->file;
    f.line = site->line;
    f.fatal = true;
    raise(f);
    // With --until elsewhere, raise() abandons the execution instead.
    cut_execution("BUG outside --until");
}
