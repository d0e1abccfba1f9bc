// The HTML printer (--format html), on hand-made records: outside Relacy's fibers, instrumented
// by the sanitizer preset like the other printers.
#include <string>

#include <catch2/catch.hpp>

#include "checks/report/html.h"
#include "checks/report/splat.h"
#include "tests/checks/records.h"

using namespace iowq;
using model::rt::event;
using model::rt::event_kind;

namespace {

std::size_t count(const std::string &s, const std::string &what)
{
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        n++;
    return n;
}

// The schedule table `id` of a page ("run": every step; "story": the story), or "".
std::string table(const std::string &page, const std::string &id)
{
    std::size_t from = page.find("<table class=\"schedule\" id=\"" + id + "\"");
    if (from == std::string::npos)
        return "";
    return page.substr(from, page.find("</table>", from) - from);
}

// init, a worker, and a task whose name needs escaping; the worker drops the last reference
// and the other task's WARN fires. A third task, idle, has no lane.
execution_record three_tasks()
{
    execution_record r;
    const char *names[] = {"init", "io_wqe_worker-0", "<b>evil&\"task'</b>", "idle"};
    for (int i = 0; i < 4; i++)
        r.tasks.push_back(started_task(i, names[i]));
    auto worker = chain({"io_wqe_worker", "io_worker_exit", "refcount_dec_and_test"});
    auto other = chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_wake_worker"});
    r.events.push_back(event_of(0, chain({"setup"}), event_kind::other, "setup", "", 0, 0));
    r.events.push_back(
        event_of(1, worker, event_kind::value, "refcount_dec_and_test", "&worker->ref", 1, 0));
    r.events.push_back(event_of(2, other, event_kind::lock, "spin_lock", "&wqe->lock", 0, 0));
    r.events.push_back(
        event_of(2, other, event_kind::value, "atomic_inc", "&acct->nr_running<x>", 0, 1));
    r.findings.push_back(wake_worker_warn(2, other));
    return r;
}

report_input input_of(const execution_record &r)
{
    report_input in;
    in.scenario = "r8-rlimit-nproc-zero-wake-worker";
    in.model = "buggy";
    in.verdict = title(r, r.findings[0]);
    in.record = &r;
    in.finding = 0;
    in.token = "AQsAAAECAAFg<&>";
    return in;
}

}  // namespace

TEST_CASE("xml_escape escapes markup, quotes and control characters for pages and JUnit", "[html]")
{
    CHECK(xml_escape("a<b>&\"c'd") == "a&lt;b&gt;&amp;&quot;c&#39;d");
    CHECK(xml_escape("refcount_inc(&wq->refs) 1->2") == "refcount_inc(&amp;wq-&gt;refs) 1-&gt;2");
    CHECK(xml_escape(std::string("x\x01y\tz\n")) == "x y\tz\n");
    CHECK(xml_escape("") == "");
}

TEST_CASE("an html page has one lane per task that did something", "[html]")
{
    execution_record r = three_tasks();
    std::string page = html_report(input_of(r));
    CHECK(page.rfind("<!DOCTYPE html>\n", 0) == 0);
    std::string run = table(page, "run");
    CHECK(count(run, "<th class=\"lane\"") == 2);  // neither init (setup only) nor idle
    CHECK(count(run, "data-lanes=\"2\"") == 1);
    // The story's table beside it: the finding's task alone (the record has no object).
    CHECK(count(table(page, "story"), "<th class=\"lane\"") == 1);
    CHECK(page.find(">io_wqe_worker-0/2</th>") != std::string::npos);
    CHECK(page.find(">idle/4<") == std::string::npos);
    // Steps are numbered by event, as diff numbers them; the lock is not shown.
    CHECK(page.find("<tr id=\"run-s2\">") != std::string::npos);
    CHECK(page.find("id=\"run-s3\"") == std::string::npos);
    CHECK(page.find("<tr id=\"run-s4\">") != std::string::npos);
    // A count that drops to zero is marked, with its value before and after.
    CHECK(page.find("<code>refcount_dec_and_test(&amp;worker-&gt;ref)</code> "
                    "<span class=\"val zero\">1&#8594;0</span>") != std::string::npos);
    CHECK(page.find("<span class=\"val\">0&#8594;1</span>") != std::string::npos);
}

TEST_CASE("an html page escapes every text it prints", "[html]")
{
    execution_record r = three_tasks();
    std::string page = html_report(input_of(r), {"a note with <i>markup</i> & more"});
    CHECK(page.find("<b>evil") == std::string::npos);
    CHECK(page.find("&lt;b&gt;evil&amp;&quot;task&#39;&lt;/b&gt;/3") != std::string::npos);
    CHECK(page.find("nr_running<x>") == std::string::npos);
    CHECK(page.find("nr_running&lt;x&gt;") != std::string::npos);
    CHECK(page.find("AQsAAAECAAFg<&>") == std::string::npos);
    CHECK(page.find("iowq-check replay AQsAAAECAAFg&lt;&amp;&gt;") != std::string::npos);
    CHECK(page.find("a note with &lt;i&gt;markup&lt;/i&gt; &amp; more") != std::string::npos);
    // Self-contained: nothing is fetched, nothing runs.
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<link") == std::string::npos);
    CHECK(page.find("src=") == std::string::npos);
    CHECK(page.find("url(") == std::string::npos);
    CHECK(page.find("http") == std::string::npos);
}

TEST_CASE("an html page highlights the finding with its title and call trace", "[html]")
{
    execution_record r = three_tasks();
    std::string page = html_report(input_of(r));
    CHECK(page.find("<span class=\"verdict bad\">WARNING in io_wqe_wake_worker</span>") !=
          std::string::npos);
    // The red row, in the lane of the task that hit it (the second lane), with its call trace;
    // once in each table (the story's and every step's).
    CHECK(count(table(page, "run"), "<tr class=\"finding\"") == 1);
    CHECK(count(page, "<tr class=\"finding\"") == 2);
    CHECK(page.find("<tr class=\"finding\" id=\"run-finding\"><td class=\"step\">&#10007;</td>"
                    "<td></td><td class=\"bug\">*** WARNING in io_wqe_wake_worker<pre>Call Trace:\n"
                    " io_wqe_wake_worker fs/io-wq.c:280\n io_wqe_enqueue fs/io-wq.c:779\n"
                    " io_uring_enter</pre></td></tr>") != std::string::npos);
    // And the report block as the text format prints it, in the kernel's coordinates.
    CHECK(page.find("WARNING: CPU: 0 PID: 3 at fs/io-wq.c:280 io_wqe_wake_worker") !=
          std::string::npos);
    // In the model's own, for whoever works on the model.
    report_input model_sites = input_of(r);
    model_sites.coords = coordinates::model;
    std::string model_page = html_report(model_sites);
    CHECK(model_page.find("WARNING: CPU: 0 PID: 3 at model/io-wq.cc:254 io_wqe_wake_worker") !=
          std::string::npos);
    CHECK(model_page.find("fs/io-wq.c") == std::string::npos);

    report_input clean;
    clean.scenario = "r8-rlimit-nproc-zero-wake-worker";
    clean.model = "patched";
    clean.verdict = "clean";
    std::string none = html_report(clean);
    CHECK(none.find("<span class=\"verdict ok\">clean</span>") != std::string::npos);
    CHECK(none.find("<table") == std::string::npos);
    CHECK(none.find("iowq-check replay") == std::string::npos);
}

TEST_CASE("an html diff puts both runs side by side and marks where they part", "[html]")
{
    execution_record a = three_tasks();
    execution_record b = three_tasks();
    b.events[3].after = 2;  // the runs part at the fourth event
    b.findings.clear();
    REQUIRE(first_difference(a, b) == 3);
    diff_input d;
    d.scenario = "r8-rlimit-nproc-zero-wake-worker";
    d.token = "TOKEN";
    d.a = input_of(a);
    d.b.model = "patched";
    d.b.verdict = "clean";
    d.b.record = &b;
    d.part = first_difference(a, b);
    std::string page = html_diff(d);
    CHECK(count(page, "<table class=\"schedule\"") == 2);
    CHECK(count(page, "<th class=\"lane\"") == 4);
    CHECK(page.find("<tr id=\"a-s4\" class=\"part\"><td class=\"step\">&#9654; 4</td>") !=
          std::string::npos);
    CHECK(page.find("<tr id=\"b-s4\" class=\"part\"><td class=\"step\">&#9654; 4</td>") !=
          std::string::npos);
    CHECK(page.find("<tr id=\"a-s2\">") != std::string::npos);  // before the part: unmarked
    CHECK(page.find("The runs part at step 4</a>") != std::string::npos);
    CHECK(count(page, "<tr class=\"finding\"") == 1);  // only the first run found something
    CHECK(page.find("$ iowq-check diff TOKEN --model patched") != std::string::npos);
}
