#include <array>

#include "checks/search/token.h"
#include "model/fixes.h"

namespace iowq {

namespace {

// 2 since plain read-modify-writes became a read, a scheduling point and a write (2026-11-30):
// the decisions of a version-1 token no longer name the same schedule.
constexpr std::uint8_t token_version = 2;
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::uint16_t crc16(const std::string &bytes)
{
    // CRC-16/CCITT-FALSE.
    std::uint16_t crc = 0xffff;
    for (unsigned char c : bytes) {
        crc ^= static_cast<std::uint16_t>(c << 8);
        for (int i = 0; i < 8; i++)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

void put_varint(std::string &out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

std::string base64url(const std::string &in)
{
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        for (int k = 18; k >= 0; k -= 6)
            out.push_back(alphabet[(v >> k) & 63]);
    }
    if (i + 1 == in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
    } else if (i + 2 == in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
    }
    return out;
}

bool unbase64url(std::string_view in, std::string &out, std::string &error)
{
    std::array<int, 256> value;
    value.fill(-1);
    for (int i = 0; i < 64; i++)
        value[static_cast<unsigned char>(alphabet[i])] = i;
    if (in.size() % 4 == 1) {
        error = "its length is not that of a token";
        return false;
    }
    unsigned acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = value[static_cast<unsigned char>(c)];
        if (v < 0) {
            error = std::string("it contains '") + c + "', which no token contains";
            return false;
        }
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // The bits of the last character that carry no byte are zero in every token iowq-check
    // writes: one token per execution, and a mistyped last character is caught.
    if (bits && (acc & ((1u << bits) - 1))) {
        error = "its last character is not one a token ends with";
        return false;
    }
    return true;
}

struct reader {
    const std::string &b;
    std::size_t pos = 0;
    bool ok = true;

    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= b.size()) {
                ok = false;
                return 0;
            }
            auto c = static_cast<unsigned char>(b[pos++]);
            v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
            if (!(c & 0x80))
                return v;
        }
        ok = false;
        return 0;
    }
    std::uint8_t byte()
    {
        if (pos >= b.size()) {
            ok = false;
            return 0;
        }
        return static_cast<std::uint8_t>(b[pos++]);
    }
};

}  // namespace

bool is_until_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

std::string encode_token(const replay_spec &s)
{
    std::string b;
    b.push_back(static_cast<char>(token_version));
    b.push_back(static_cast<char>(s.scenario));
    b.push_back(static_cast<char>(s.fixes));
    b.push_back(static_cast<char>((s.parent ? 1 : 0) | (s.whatif_no_rcu ? 2 : 0) |
                                  (s.multi_shot ? 4 : 0) | (s.unfocused ? 8 : 0) |
                                  (s.gen ? 16 : 0) | (s.faults ? 32 : 0) |
                                  (s.preempt_none ? 64 : 0)));
    b.push_back(static_cast<char>(s.nodes));
    b.push_back(static_cast<char>(s.timeouts_per_task));
    // A fault budget only where the scenario has one, so that other tokens stay as they were.
    if (s.faults)
        b.push_back(static_cast<char>(s.faults));
    put_varint(b, s.until.size());
    b += s.until;
    if (s.gen) {
        b.push_back(static_cast<char>(s.gen));
        put_varint(b, s.gen_seed);
        if (s.gen == 2) {
            b.push_back(static_cast<char>(s.pct_depth));
            put_varint(b, s.pct_k);
        }
        if (s.gen == 4)
            b.push_back(static_cast<char>(s.stay));
        std::uint16_t crc = crc16(b);
        b.push_back(static_cast<char>(crc >> 8));
        b.push_back(static_cast<char>(crc & 0xff));
        return base64url(b);
    }
    put_varint(b, s.script.threads.size());
    std::uint32_t last = 0;
    for (const auto &[at, thread] : s.script.threads) {
        put_varint(b, at - last);
        b.push_back(static_cast<char>(thread));
        last = at;
    }
    put_varint(b, s.script.rands.size());
    last = 0;
    for (const auto &[at, value] : s.script.rands) {
        put_varint(b, at - last);
        put_varint(b, value);
        last = at;
    }
    std::uint16_t crc = crc16(b);
    b.push_back(static_cast<char>(crc >> 8));
    b.push_back(static_cast<char>(crc & 0xff));
    return base64url(b);
}

std::optional<replay_spec> decode_token(std::string_view token, std::string &error)
{
    std::string b;
    if (token.empty()) {
        error = "the token is empty";
        return std::nullopt;
    }
    if (!unbase64url(token, b, error)) {
        error = "this is not a replay token: " + error;
        return std::nullopt;
    }
    if (b.size() < 9) {
        error = "the token is too short to be one";
        return std::nullopt;
    }
    std::string body = b.substr(0, b.size() - 2);
    std::uint16_t want = static_cast<std::uint16_t>(
        (static_cast<unsigned char>(b[b.size() - 2]) << 8) | static_cast<unsigned char>(b.back()));
    if (crc16(body) != want) {
        error = "the token's checksum does not match: it was mistyped or cut short";
        return std::nullopt;
    }
    reader r{body};
    if (std::uint8_t v = r.byte(); v != token_version) {
        error = "the token was made by another version of iowq-check (token version " +
                std::to_string(v) + ", this one replays version " + std::to_string(token_version) +
                "), whose schedules differ: run the search again";
        return std::nullopt;
    }
    replay_spec s;
    s.scenario = r.byte();
    s.fixes = r.byte();
    std::uint8_t flags = r.byte();
    s.parent = flags & 1;
    s.whatif_no_rcu = flags & 2;
    s.multi_shot = flags & 4;
    s.unfocused = flags & 8;
    s.preempt_none = flags & 64;
    if (flags & ~127) {
        error = "the token is malformed (unknown flags)";
        return std::nullopt;
    }
    if (s.fixes & ~model_fix_mask) {
        error = "the token names fixes this iowq-check does not have";
        return std::nullopt;
    }
    s.nodes = r.byte();
    s.timeouts_per_task = r.byte();
    if (flags & 32) {
        s.faults = r.byte();
        if (!s.faults || s.faults > 8) {
            error = "the token is malformed (its fault budget)";
            return std::nullopt;
        }
    }
    std::uint64_t n = r.varint();
    if (!r.ok || n > 64 || r.pos + n > body.size()) {
        error = "the token is malformed (its --until name)";
        return std::nullopt;
    }
    s.until = body.substr(r.pos, n);
    r.pos += n;
    if (!s.until.empty() && !is_until_name(s.until)) {
        error = "the token is malformed (its --until name is not a function name)";
        return std::nullopt;
    }
    if (flags & 16) {
        s.gen = r.byte();
        s.gen_seed = r.varint();
        if (s.gen == 2) {
            s.pct_depth = r.byte();
            s.pct_k = static_cast<std::uint32_t>(r.varint());
        }
        // Generator 3 was the walk that could keep the CPU between a plain read-modify-write's
        // halves: its seeds name other schedules under today's walk (generator 4).
        if (r.ok && s.gen == 3) {
            error = "the token was made by an older iowq-check, whose random walk could stay "
                    "between the halves of a read-modify-write; its seed names another schedule "
                    "now: run the search again for a new token";
            return std::nullopt;
        }
        // Stay 0 is generator 1: one token per execution.
        if (s.gen == 4)
            s.stay = r.byte();
        if (!r.ok || s.gen < 1 || s.gen > 4 || (s.gen == 2 && !s.pct_depth) ||
            (s.gen == 4 && (s.stay < 1 || s.stay > 99)) || r.pos != body.size()) {
            error = "the token is malformed (its generator)";
            return std::nullopt;
        }
        if (s.nodes < 1 || s.nodes > 4) {
            error = "the token asks for an impossible number of NUMA nodes";
            return std::nullopt;
        }
        return s;
    }
    n = r.varint();
    if (!r.ok || n > choice_log::capacity) {
        error = "the token is malformed (its schedule)";
        return std::nullopt;
    }
    std::uint64_t at = 0;
    // A step is at most capacity past the last: a larger one could wrap `at` round.
    for (std::uint64_t i = 0; i < n && r.ok; i++) {
        std::uint64_t step = r.varint();
        if (step >= choice_log::capacity)
            r.ok = false;
        at += step;
        std::uint8_t thread = r.byte();
        if (at >= choice_log::capacity)
            r.ok = false;
        s.script.threads.emplace_back(static_cast<std::uint32_t>(at), thread);
    }
    n = r.ok ? r.varint() : 0;
    if (!r.ok || n > choice_log::capacity) {
        error = "the token is malformed (its schedule)";
        return std::nullopt;
    }
    at = 0;
    for (std::uint64_t i = 0; i < n && r.ok; i++) {
        std::uint64_t step = r.varint();
        if (step >= choice_log::capacity)
            r.ok = false;
        at += step;
        std::uint64_t value = r.varint();
        if (at >= choice_log::capacity || value > 0xffff)
            r.ok = false;
        s.script.rands.emplace_back(static_cast<std::uint32_t>(at),
                                    static_cast<std::uint16_t>(value));
    }
    if (!r.ok || r.pos != body.size()) {
        error = "the token is malformed (its schedule)";
        return std::nullopt;
    }
    if (s.nodes < 1 || s.nodes > 4) {
        error = "the token asks for an impossible number of NUMA nodes";
        return std::nullopt;
    }
    return s;
}

}  // namespace iowq
