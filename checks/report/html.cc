#include "checks/report/html.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checks/report/splat.h"

namespace iowq {

using model::rt::finding;

namespace {

// Monospace throughout, task names as sticky lane headers, the finding in red, the step where
// two runs part in orange. No script, no web font: the page opens the same offline.
constexpr const char *style = R"css(
body { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
       font-size: 13px; margin: 16px; color: #1b1b1b; background: #ffffff; }
h1 { font-size: 18px; margin: 0 0 8px 0; }
h2 { font-size: 15px; margin: 20px 0 6px 0; }
p { margin: 4px 0; max-width: 110ch; }
pre { margin: 0; font-family: inherit; white-space: pre-wrap; }
code { font-family: inherit; }
.verdict { display: inline-block; font-size: 15px; font-weight: bold; padding: 5px 10px;
           border-radius: 4px; margin: 4px 0; }
.bad { color: #ffffff; background: #c62828; }
.ok { color: #ffffff; background: #2e7d32; }
.open { color: #ffffff; background: #616161; }
.report { display: inline-block; border: 2px solid #c62828; background: #fff5f5;
          padding: 8px 12px; margin: 6px 0; }
.report .title { color: #c62828; font-weight: bold; font-size: 15px; margin-bottom: 6px; }
.replay { display: inline-block; border: 1px solid #9e9e9e; background: #f5f5f5;
          padding: 8px 12px; margin: 6px 0; }
.replay .token { font-weight: bold; }
tr.preempt td { color: #8a6d00; font-style: italic; }
tr.gap td { color: #78909c; border-top: 1px dashed #b0bec5; }
/* The page of a finding: its tables take the window's width, lanes shared equally, so that a
   projector (1024 px) or an A4 sheet shows every lane; text wraps inside a lane. The inline
   max-width keeps a few lanes from stretching across a wide screen. */
.schedules table.schedule { width: 100%; table-layout: fixed; }
.schedules .schedule th, .schedules .schedule td { min-width: 0; max-width: none; }
.schedules .schedule th.stepno { width: 4em; }
@media print {
  body { font-size: 9px; margin: 0; }
  .report .title, .verdict, h2 { font-size: 11px; }
  h1 { font-size: 13px; }
  .schedule th { position: static; }
  .schedule tr { break-inside: avoid; }
}
label.view { margin-right: 16px; cursor: pointer; }
#view-story:checked ~ .full-view, #view-full:checked ~ .story-view { display: none; }
@media print { .view { display: none; } }
.note { border-left: 4px solid #ef6c00; padding-left: 8px; margin: 8px 0; }
.legend { color: #555555; }
table.schedule { border-collapse: collapse; margin: 6px 0; }
.schedule th, .schedule td { border-left: 1px solid #b0bec5; border-right: 1px solid #b0bec5;
       padding: 2px 6px; vertical-align: top; text-align: left; min-width: 15em;
       max-width: 24em; overflow-wrap: anywhere; }
.schedule th { position: sticky; top: 0; background: #263238; color: #ffffff; padding: 6px; }
.schedule th.stepno, .schedule td.step { min-width: 3em; max-width: 5em; text-align: right; }
.schedule td.step { color: #78909c; }
.schedule td.ev { background: #eef4fb; border-top: 1px solid #dfe7ef; }
.fn { color: #000000; font-weight: bold; }
.val { font-weight: bold; color: #0d47a1; background: #dbe9fb; padding: 0 3px; border-radius: 3px; }
.val.zero { color: #ffffff; background: #e65100; }
.obj { color: #6a1b9a; }
tr.finding td { background: #ffebee; border-top: 2px solid #c62828; }
.schedule td.bug { background: #c62828; color: #ffffff; font-weight: bold; }
.schedule td.bug pre { font-weight: normal; margin-top: 4px; }
tr.part td { border-top: 3px solid #ef6c00; }
tr.part td.step { color: #ef6c00; font-weight: bold; }
tr.after td.step { color: #ef6c00; }
.sides { display: flex; gap: 24px; align-items: flex-start; }
.sides .schedule th, .sides .schedule td { min-width: 11em; max-width: 18em; }
.sides .schedule th.stepno, .sides .schedule td.step { min-width: 3em; }
)css";

std::string page_start(const std::string &title)
{
    return fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
                       xml_escape(title), style);
}

const char *page_end = "</body>\n</html>\n";

const finding *finding_of(const report_input &in)
{
    if (!in.record || in.finding < 0 ||
        static_cast<std::size_t>(in.finding) >= in.record->findings.size())
        return nullptr;
    return &in.record->findings[static_cast<std::size_t>(in.finding)];
}

// Red for a finding, green for "clean", grey for anything else (a search whose budget ran out).
std::string verdict_span(const report_input &in)
{
    const char *cls = finding_of(in) ? "bad" : in.verdict == "clean" ? "ok" : "open";
    return fmt::format("<span class=\"verdict {}\">{}</span>", cls, xml_escape(in.verdict));
}

// The kernel-style block: its title, then the report as the text format prints it.
std::string finding_block(const execution_record &r, const finding &f, coordinates co)
{
    return fmt::format("<div class=\"report\">\n<div class=\"title\">{}</div>\n<pre>{}</pre>\n"
                       "</div>\n",
                       xml_escape(title(r, f)), xml_escape(format_finding(r, f, co)));
}

std::string call_trace(const finding &f, coordinates co)
{
    std::string out = "Call Trace:";
    for (const std::string &l : frame_lines(f.chain, f.what, co))
        out += "\n " + l;
    return out;
}

std::string step_cell(const schedule_step &s, bool new_function, coordinates co)
{
    // The kernel's line of the step, where the table knows it, as the cell's tooltip.
    std::string out = co == coordinates::kernel && !s.where.empty()
                          ? fmt::format("<td class=\"ev\" title=\"{}\">", xml_escape(s.where))
                          : std::string("<td class=\"ev\">");
    if (new_function)
        out += fmt::format("<div class=\"fn\">{}:</div>", xml_escape(s.function));
    if (s.value) {
        bool zero = !s.bits && s.after == 0 && s.before > 0;
        std::string change = s.bits ? fmt::format("{:#x}&#8594;{:#x}", s.before, s.after)
                                    : fmt::format("{}&#8594;{}", s.before, s.after);
        out += fmt::format("<code>{}</code> <span class=\"val{}\">{}</span>", xml_escape(s.call),
                           zero ? " zero" : "", change);
        if (!s.object.empty())
            out += fmt::format(" <span class=\"obj\">{}</span>", xml_escape(s.object));
    } else {
        out += fmt::format("<code>{}</code>", xml_escape(s.text));
    }
    return out + "</td>";
}

// The schedule as a table: a step column, then one lane per task. `part`: the event index
// where this run parts from another (-1: none); the first step shown at or after it is marked.
std::string schedule_table(const execution_record &r, int finding_index, const std::string &id,
                           int part, coordinates co, schedule_detail detail = schedule_detail::full)
{
    schedule_view v = schedule_of(r, finding_index, detail);
    std::string out = fmt::format("<table class=\"schedule\" id=\"{}\" data-lanes=\"{}\" "
                                  "style=\"max-width: {}em\">\n<thead><tr>"
                                  "<th class=\"stepno\" scope=\"col\">step</th>",
                                  id, v.lanes.size(), 4 + 26 * v.lanes.size());
    for (int task : v.lanes)
        out +=
            fmt::format("<th class=\"lane\" scope=\"col\">{}</th>", xml_escape(task_name(r, task)));
    out += "</tr></thead>\n<tbody>\n";

    auto empty_cells = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; i++)
            s += "<td></td>";
        return s;
    };
    // The story's steps left out: a row with "..." and how many in each lane that had some.
    auto gap = [&](const std::map<int, int> &left_out) {
        std::string cells;
        bool any = false;
        for (int task : v.lanes) {
            auto it = left_out.find(task);
            any |= it != left_out.end();
            cells += it == left_out.end() ? "<td></td>"
                                          : fmt::format("<td>... {} {}</td>", it->second,
                                                        it->second == 1 ? "step" : "steps");
        }
        return any ? "<tr class=\"gap\"><td class=\"step\"></td>" + cells + "</tr>\n"
                   : std::string();
    };
    std::map<int, std::string> in_function;
    bool parted = false;
    for (const schedule_step &s : v.steps) {
        out += gap(s.left_out);
        for (const preemption_mark &p : s.preempted) {
            std::size_t at = static_cast<std::size_t>(
                std::find(v.lanes.begin(), v.lanes.end(), p.task) - v.lanes.begin());
            out += fmt::format("<tr class=\"preempt\"><td class=\"step\"></td>{}<td>~~ "
                               "preempted: {} runs ~~</td>{}</tr>\n",
                               empty_cells(at), xml_escape(task_name(r, p.by)),
                               empty_cells(v.lanes.size() - at - 1));
        }
        std::size_t col = static_cast<std::size_t>(
            std::find(v.lanes.begin(), v.lanes.end(), s.task) - v.lanes.begin());
        bool new_function = !s.timer && in_function[s.task] != s.function;
        if (!s.timer)
            in_function[s.task] = s.function;
        const char *cls = "";
        std::string label = std::to_string(s.event + 1);
        if (part >= 0 && s.event >= part) {
            cls = parted ? " class=\"after\"" : " class=\"part\"";
            if (!parted)
                label = "&#9654; " + label;
            parted = true;
        }
        out += fmt::format("<tr id=\"{}-s{}\"{}><td class=\"step\">{}</td>{}{}{}</tr>\n", id,
                           s.event + 1, cls, label, empty_cells(col),
                           step_cell(s, new_function, co), empty_cells(v.lanes.size() - col - 1));
    }
    out += gap(v.left_out_at_end);
    if (finding_index >= 0 && static_cast<std::size_t>(finding_index) < r.findings.size()) {
        const finding &f = r.findings[static_cast<std::size_t>(finding_index)];
        auto it = std::find(v.lanes.begin(), v.lanes.end(), f.task);
        if (it != v.lanes.end()) {
            std::size_t col = static_cast<std::size_t>(it - v.lanes.begin());
            out +=
                fmt::format("<tr class=\"finding\" id=\"{}-finding\"><td class=\"step\">"
                            "&#10007;</td>{}<td class=\"bug\">*** {}<pre>{}</pre></td>{}</tr>\n",
                            id, empty_cells(col), xml_escape(title(r, f)),
                            xml_escape(call_trace(f, co)), empty_cells(v.lanes.size() - col - 1));
        }
    }
    return out + "</tbody>\n</table>\n";
}

const char *legend =
    "<p class=\"legend\">One column per task, time flows down. A task's steps follow the "
    "kernel function they ran in, named in bold where the task entered it, as in the text "
    "report. <span class=\"val\">1&#8594;2</span> "
    "is a counter's value before and after the step (a reference count such as "
    "<code>wq-&gt;refs</code> or <code>worker-&gt;ref</code>, an atomic, a completion), "
    "<span class=\"val zero\">1&#8594;0</span> one that dropped to zero, and "
    "<span class=\"obj\">io_wq#1</span> the object it belongs to (by type and order of "
    "allocation). Step numbers count every recorded event, locks included, which the page does "
    "not show: they are the numbers <code>iowq-check diff</code> gives.</p>\n";

std::string replay_box(const std::vector<std::pair<std::string, std::string>> &commands,
                       const std::string &token)
{
    std::string out = "<div class=\"replay\">\n";
    if (!token.empty())
        out += fmt::format("<p>Replay token: <span class=\"token\">{}</span></p>\n",
                           xml_escape(token));
    for (const auto &[what, cmd] : commands)
        out += (what.empty() ? "" : "<p>" + xml_escape(what) + "</p>\n") +
               fmt::format("<pre class=\"cmd\">$ {}</pre>\n", xml_escape(cmd));
    return out + "</div>\n";
}

}  // namespace

std::string html_report(const report_input &in, const std::vector<std::string> &notes)
{
    std::string out = page_start(fmt::format("{} on {}: {}", in.scenario, in.model, in.verdict));
    out += fmt::format("<h1>iowq-check: {} on {}</h1>\n<p>{}</p>\n", xml_escape(in.scenario),
                       xml_escape(in.model), verdict_span(in));
    const finding *f = finding_of(in);
    if (f && !in.token.empty())
        out += replay_box(
            {{"The same report again, as text or as this page:", "iowq-check replay " + in.token},
             {"", "iowq-check replay " + in.token + " --format html > page.html"}},
            in.token);
    for (const std::string &n : notes) {
        // A note's lines (a finding, then the command that replays it) stay lines.
        std::string text = xml_escape(n);
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        for (std::size_t at = text.find('\n'); at != std::string::npos;
             at = text.find('\n', at + 5))
            text.replace(at, 1, "<br>\n");
        out += fmt::format("<p class=\"note\">{}</p>\n", text);
    }
    if (f) {
        const execution_record &r = *in.record;
        std::vector<int> races = races_before(r, in.finding);
        if (!races.empty()) {
            out += "<h2>First, a data race (followed)</h2>\n<p>The kernel runs on after a KCSAN "
                   "report, and so did this execution, with the values the race left.</p>\n";
            for (int i : races)
                out += finding_block(r, r.findings[static_cast<std::size_t>(i)], in.coords);
        }
        out += "<h2>The report</h2>\n" + finding_block(r, *f, in.coords);
        out += "<h2>The schedule that led there</h2>\n";
        if (std::string sum = schedule_sentences(in.schedule); !sum.empty())
            out += fmt::format("<p class=\"shape\">{}</p>\n", xml_escape(sum));
        bool story = in.view == schedule_detail::story;
        out += fmt::format("<p><a href=\"#{}-finding\">The step where it fires</a> is the red "
                           "row at the end, in the lane of {}.</p>\n",
                           story ? "story" : "run", xml_escape(task_name(r, f->task)));
        out += legend;
        // Two tables, the story and every step, and a toggle between them that needs no script:
        // the radio button checked hides the other's table (the page's style). --view chooses
        // which is checked; a printout has the one checked, without the buttons.
        schedule_view v = schedule_of(r, in.finding, schedule_detail::story);
        out += "<div class=\"schedules\">\n";
        out += fmt::format(
            "<span class=\"view\">Show:</span>\n"
            "<input type=\"radio\" class=\"view\" name=\"view\" id=\"view-story\"{}>"
            "<label class=\"view\" for=\"view-story\">the story ({} of {} steps)</label>\n"
            "<input type=\"radio\" class=\"view\" name=\"view\" id=\"view-full\"{}>"
            "<label class=\"view\" for=\"view-full\">every step</label>\n",
            story ? " checked" : "", v.steps.size(), v.full_steps, story ? "" : " checked");
        out += fmt::format(
            "<div class=\"story-view\">\n<p class=\"story\">{}</p>\n{}</div>\n",
            xml_escape(story_sentence(v)),
            schedule_table(r, in.finding, "story", -1, in.coords, schedule_detail::story));
        out += "<div class=\"full-view\">\n" + schedule_table(r, in.finding, "run", -1, in.coords) +
               "</div>\n</div>\n";
    }
    return out + page_end;
}

std::string html_diff(const diff_input &d)
{
    std::string out =
        page_start(fmt::format("iowq-check diff: {}, {} and {}", d.scenario, d.a.model, d.b.model));
    out += fmt::format("<h1>iowq-check diff: {}, one schedule on two models</h1>\n",
                       xml_escape(d.scenario));
    out += fmt::format("<p><b>{}</b> {}</p>\n<p><b>{}</b> {}</p>\n", xml_escape(d.a.model),
                       verdict_span(d.a), xml_escape(d.b.model), verdict_span(d.b));
    if (d.part < 0) {
        out += "<p class=\"note\">The two runs take the same steps.</p>\n";
    } else {
        const execution_record *ra = d.a.record, *rb = d.b.record;
        out += fmt::format("<p class=\"note\"><a href=\"#a-s{0}\">The runs part at step {0}</a> "
                           "(marked &#9654; in orange below):<br>\n<code>{1}: {2}</code><br>\n"
                           "<code>{3}: {4}</code></p>\n",
                           d.part + 1, xml_escape(d.a.model),
                           xml_escape(ra ? event_line(*ra, d.part) : std::string("?")),
                           xml_escape(d.b.model),
                           xml_escape(rb ? event_line(*rb, d.part) : std::string("?")));
    }
    if (!d.diverged.empty())
        out += fmt::format("<p class=\"note\">{}</p>\n", xml_escape(d.diverged));
    out += replay_box(
        {{"This comparison again, as text or as this page:",
          fmt::format("iowq-check diff {} --model {}", d.token, d.b.model)},
         {"", fmt::format("iowq-check diff {} --model {} --format html > diff.html", d.token,
                          d.b.model)},
         {fmt::format("The run on {} alone:", d.a.model), "iowq-check replay " + d.token}},
        d.token);
    out += legend;
    out += "<div class=\"sides\">\n";
    const report_input *sides[] = {&d.a, &d.b};
    const char *ids[] = {"a", "b"};
    for (int i = 0; i < 2; i++) {
        const report_input &in = *sides[i];
        out += fmt::format("<div class=\"side\" id=\"side-{}\">\n<h2>{} {}</h2>\n", ids[i],
                           xml_escape(in.model), verdict_span(in));
        if (in.record) {
            out += schedule_table(*in.record, in.finding, ids[i], d.part, in.coords);
            if (const finding *f = finding_of(in))
                out += finding_block(*in.record, *f, in.coords);
        }
        out += "</div>\n";
    }
    out += "</div>\n";
    return out + page_end;
}

}  // namespace iowq
