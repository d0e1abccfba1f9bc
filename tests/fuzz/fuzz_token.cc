// libFuzzer target: the replay-token decoder (checks/search/token.cc) on arbitrary text.
//
// Half the inputs are taken as token text; the other half as the bytes inside a token, which
// the fuzzer closes with a correct checksum and encodes, so that the decoder's fields are
// reached and not only its checksum test.
//
// Properties: decode_token() never crashes, hangs or leaks; it either accepts the text or
// rejects it with a message; and what it accepts survives encode_token() and a second decode
// unchanged (so a token iowq-check prints always replays what it was made from).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "checks/search/token.h"

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_token: %s\n", what);
    std::abort();
}

bool same(const iowq::replay_spec &a, const iowq::replay_spec &b)
{
    return a.scenario == b.scenario && a.fixes == b.fixes && a.parent == b.parent &&
           a.whatif_no_rcu == b.whatif_no_rcu && a.multi_shot == b.multi_shot &&
           a.unfocused == b.unfocused && a.nodes == b.nodes &&
           a.timeouts_per_task == b.timeouts_per_task && a.until == b.until && a.gen == b.gen &&
           a.gen_seed == b.gen_seed && a.stay == b.stay && a.pct_depth == b.pct_depth &&
           a.pct_k == b.pct_k && a.script.threads == b.script.threads &&
           a.script.rands == b.script.rands;
}

// The token's framing, written here again on purpose (not shared with checks/search/token.cc): a
// CRC-16/CCITT-FALSE after the body, then base64url without padding.
std::string framed(std::string_view body)
{
    std::string b(body);
    std::uint16_t crc = 0xffff;
    for (unsigned char c : b) {
        crc ^= static_cast<std::uint16_t>(c << 8);
        for (int i = 0; i < 8; i++)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    b.push_back(static_cast<char>(crc >> 8));
    b.push_back(static_cast<char>(crc & 0xff));
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (unsigned char c : b) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(abc[(acc >> bits) & 63]);
        }
    }
    if (bits)
        out.push_back(abc[(acc << (6 - bits)) & 63]);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::string_view rest(reinterpret_cast<const char *>(data) + 1, size - 1);
    std::string text = (data[0] & 1) ? std::string(rest) : framed(rest);
    std::string error;
    auto spec = iowq::decode_token(text, error);
    if (!spec) {
        if (error.empty())
            fail("a token was rejected without a message");
        return 0;
    }
    std::string again = iowq::encode_token(*spec);
    std::string error2;
    auto back = iowq::decode_token(again, error2);
    if (!back)
        fail(("a re-encoded token does not decode: " + error2).c_str());
    if (!same(*spec, *back))
        fail("a re-encoded token decodes to something else");
    // Tokens are canonical: the one accepted is the one iowq-check would have written.
    if (data[0] & 1 && again != text)
        fail("an accepted token is not the one its execution encodes to");
    return 0;
}
