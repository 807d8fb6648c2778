#include "text/clip_tokenizer.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>
#ifdef STILLMOTION_HAVE_ZLIB
#include <zlib.h>
#endif

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>

#include "runtime/error.h"
#include "text/text_fixer.h"
#include "text/unicode.h"

namespace sm::text {
namespace {

constexpr char kStartOfText[] = "<|startoftext|>";
constexpr char kEndOfText[] = "<|endoftext|>";
constexpr char kWordEnd[] = "</w>";
constexpr char32_t kYpogegrammeni = 0x345;

/// GPT-2's bytes_to_unicode(), in its dict order: the printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
/// themselves, every other byte to U+0100 + n in increasing byte order. The order fixes openai's vocabulary ids
/// 0..255 (and 256..511 for the "</w>" forms).
std::vector<std::pair<unsigned char, char32_t>> bytesToUnicode() {
    std::vector<std::pair<unsigned char, char32_t>> out;
    std::vector<bool> printable(256, false);
    const auto addRange = [&](int lo, int hi) {
        for (int b = lo; b <= hi; ++b) {
            printable[static_cast<size_t>(b)] = true;
            out.emplace_back(static_cast<unsigned char>(b), static_cast<char32_t>(b));
        }
    };
    addRange('!', '~');
    addRange(0xA1, 0xAC);
    addRange(0xAE, 0xFF);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
        if (!printable[static_cast<size_t>(b)]) {
            out.emplace_back(static_cast<unsigned char>(b), next++);
        }
    }
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw WeightsError(path + ": cannot open the tokenizer file");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// The decompressed contents of a gzip file (zlib passes plain files through unchanged).
std::string readGzipFile(const std::string& path) {
#ifdef STILLMOTION_HAVE_ZLIB
    std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
    if (!file) {
        throw WeightsError(path + ": cannot open the tokenizer file");
    }
    std::string out;
    char buffer[1 << 16];
    while (true) {
        const int n = gzread(file.get(), buffer, sizeof(buffer));
        if (n < 0) {
            int code = 0;
            const char* message = gzerror(file.get(), &code);
            throw WeightsError(path + ": corrupt gzip data (" + std::string(message ? message : "unknown error") + ")");
        }
        if (n == 0) {
            break;
        }
        out.append(buffer, static_cast<size_t>(n));
    }
    return out;
#else
    std::string data = readFile(path);
    if (data.size() >= 2 && data[0] == '\x1F' && data[1] == '\x8B') {
        throw WeightsError(path +
                           ": gzip-compressed, but this build has no zlib; unpack the file or use the HF "
                           "vocab.json + merges.txt");
    }
    return data;
#endif
}

bool isAsciiSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1C' && c <= '\x1F');
}

/// Python's str.split() on one merges line. Symbols are byte-level characters, never whitespace, and UTF-8
/// continuation bytes are never ASCII, so splitting the bytes is exact.
std::vector<std::string> splitWords(std::string_view line) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isAsciiSpace(line[i]))
            ++i;
        size_t j = i;
        while (j < line.size() && !isAsciiSpace(line[j]))
            ++j;
        if (j > i)
            out.emplace_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

/// Lines 1 .. kMergeCount of a merges file (line 0 is a header), parsed into pairs.
std::vector<std::pair<std::string, std::string>> parseMerges(std::string_view text, const std::string& path) {
    std::vector<std::pair<std::string, std::string>> merges;
    size_t pos = 0;
    int lineNumber = 0;
    while (pos <= text.size() && merges.size() < static_cast<size_t>(ClipTokenizer::kMergeCount)) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (line.empty() && end == text.size()) {
            break;  // the newline that ends the file
        }
        ++lineNumber;
        pos = end + 1;
        if (lineNumber == 1) {
            continue;  // "#version: 0.2" (openai prefixes it with the file name)
        }
        const std::vector<std::string> words = splitWords(line);
        if (words.size() != 2) {
            throw WeightsError(path + ": line " + std::to_string(lineNumber) + " is not a merge of two symbols: '" +
                               std::string(line.substr(0, 80)) + "'");
        }
        merges.emplace_back(words[0], words[1]);
    }
    if (merges.empty()) {
        throw WeightsError(path + ": no BPE merges found (expected a header line followed by 'a b' lines)");
    }
    return merges;
}

std::string_view stripAscii(std::string_view text) {
    while (!text.empty() && isAsciiSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isAsciiSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

bool sameLetterIgnoreCase(char32_t c, char ascii) {
    if (c == static_cast<char32_t>(ascii))
        return true;
    if (ascii >= 'a' && ascii <= 'z' && c == static_cast<char32_t>(ascii - 'a' + 'A'))
        return true;
    // The `regex` module's case-insensitive matching also pairs LONG S with 's' (simple case folding).
    return ascii == 's' && c == 0x17F;
}

/// Length of `literal` at text[i] under case-insensitive comparison, or 0.
size_t literalAt(const std::u32string& text, size_t i, std::string_view literal) {
    if (i + literal.size() > text.size())
        return 0;
    for (size_t k = 0; k < literal.size(); ++k) {
        if (!sameLetterIgnoreCase(text[i + k], literal[k]))
            return 0;
    }
    return literal.size();
}

// Under IGNORECASE the `regex` module matches U+0345 COMBINING GREEK YPOGEGRAMMENI (whose case folding is a
// letter) neither as \p{L} nor as [^\s\p{L}\p{N}], so it separates pieces like a space. It is the only code point
// whose class changes with IGNORECASE.
bool isLetterPiece(char32_t c) {
    return unicode::isLetter(c);
}
bool isOtherPiece(char32_t c) {
    return c != kYpogegrammeni && !unicode::isWhiteSpace(c) && !unicode::isLetter(c) && !unicode::isNumber(c);
}

/// Step 3: the split regex, as re.findall() walks it (leftmost match, first alternative that matches).
std::vector<std::u32string> splitPieces(const std::u32string& text) {
    static constexpr std::string_view kContractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    std::vector<std::u32string> pieces;
    size_t i = 0;
    while (i < text.size()) {
        size_t n = literalAt(text, i, kStartOfText);
        if (n == 0)
            n = literalAt(text, i, kEndOfText);
        for (size_t k = 0; n == 0 && k < std::size(kContractions); ++k) {
            n = literalAt(text, i, kContractions[k]);
        }
        if (n == 0 && isLetterPiece(text[i])) {
            while (i + n < text.size() && isLetterPiece(text[i + n]))
                ++n;
        }
        if (n == 0 && unicode::isNumber(text[i])) {
            n = 1;  // every digit is its own piece
        }
        if (n == 0 && isOtherPiece(text[i])) {
            while (i + n < text.size() && isOtherPiece(text[i + n]))
                ++n;
        }
        if (n == 0) {
            ++i;  // whitespace (or U+0345): no piece starts here
            continue;
        }
        pieces.push_back(text.substr(i, n));
        i += n;
    }
    return pieces;
}

/// Step 2 on decoded text.
std::u32string cleanDecoded(std::u32string_view text) {
    const std::u32string fixed = fixText(text);
    // whitespace_clean: re.sub(r"\s+", " ") with the `regex` module's \s (White_Space), then str.strip().
    std::u32string collapsed;
    for (size_t i = 0; i < fixed.size();) {
        if (unicode::isWhiteSpace(fixed[i])) {
            collapsed.push_back(U' ');
            while (i < fixed.size() && unicode::isWhiteSpace(fixed[i]))
                ++i;
        } else {
            collapsed.push_back(fixed[i++]);
        }
    }
    size_t begin = 0, end = collapsed.size();
    while (begin < end && unicode::isPythonSpace(collapsed[begin]))
        ++begin;
    while (end > begin && unicode::isPythonSpace(collapsed[end - 1]))
        --end;
    return unicode::toLower(std::u32string_view(collapsed).substr(begin, end - begin));
}

}  // namespace

ClipTokenizer ClipTokenizer::fromOpenAiVocab(const std::string& gzPath) {
    const std::vector<std::pair<std::string, std::string>> merges = parseMerges(readGzipFile(gzPath), gzPath);
    // openai's vocabulary: the byte symbols, the same with "</w>", one token per merge, the two special tokens.
    std::vector<std::pair<std::string, int64_t>> vocab;
    vocab.reserve(512 + merges.size() + 2);
    const auto byteOrder = bytesToUnicode();
    for (const auto& [byte, symbol] : byteOrder) {
        vocab.emplace_back(unicode::toUtf8(std::u32string(1, symbol)), static_cast<int64_t>(vocab.size()));
    }
    for (const auto& [byte, symbol] : byteOrder) {
        vocab.emplace_back(unicode::toUtf8(std::u32string(1, symbol)) + kWordEnd, static_cast<int64_t>(vocab.size()));
    }
    for (const auto& [left, right] : merges) {
        vocab.emplace_back(left + right, static_cast<int64_t>(vocab.size()));
    }
    vocab.emplace_back(kStartOfText, static_cast<int64_t>(vocab.size()));
    vocab.emplace_back(kEndOfText, static_cast<int64_t>(vocab.size()));
    return build(merges, vocab, gzPath);
}

ClipTokenizer ClipTokenizer::fromHuggingFace(const std::string& vocabJsonPath, const std::string& mergesPath) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(readFile(vocabJsonPath));
    } catch (const nlohmann::json::exception& e) {
        throw WeightsError(vocabJsonPath + ": not valid JSON (" + e.what() + ")");
    }
    if (!json.is_object()) {
        throw WeightsError(vocabJsonPath + ": expected a JSON object mapping tokens to ids");
    }
    std::vector<std::pair<std::string, int64_t>> vocab;
    vocab.reserve(json.size());
    for (const auto& [token, id] : json.items()) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0) {
            throw WeightsError(vocabJsonPath + ": token '" + token + "' has id " + id.dump() +
                               ", expected a non-negative integer");
        }
        vocab.emplace_back(token, id.get<int64_t>());
    }
    // HF reads merges.txt with .strip().split("\n").
    const std::string text = readFile(mergesPath);
    return build(parseMerges(stripAscii(text), mergesPath), vocab, vocabJsonPath);
}

ClipTokenizer ClipTokenizer::fromDirectory(const std::string& directory) {
    namespace fs = std::filesystem;
    const fs::path dir(directory);
    if (fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt")) {
        return fromHuggingFace((dir / "vocab.json").string(), (dir / "merges.txt").string());
    }
    if (fs::exists(dir / "bpe_simple_vocab_16e6.txt.gz")) {
        return fromOpenAiVocab((dir / "bpe_simple_vocab_16e6.txt.gz").string());
    }
    throw WeightsError(directory +
                       ": no CLIP tokenizer files (expected vocab.json + merges.txt, or "
                       "bpe_simple_vocab_16e6.txt.gz)");
}

ClipTokenizer::Symbol ClipTokenizer::intern(const std::string& text) {
    const auto [it, inserted] = m_symbolIndex.emplace(text, static_cast<Symbol>(m_symbols.size()));
    if (inserted) {
        m_symbols.push_back(text);
        m_symbolId.push_back(-1);
    }
    return it->second;
}

ClipTokenizer ClipTokenizer::build(const std::vector<std::pair<std::string, std::string>>& merges,
                                   const std::vector<std::pair<std::string, int64_t>>& vocab,
                                   const std::string& source) {
    ClipTokenizer t;
    for (const auto& [byte, symbol] : bytesToUnicode()) {
        const std::string s = unicode::toUtf8(std::u32string(1, symbol));
        t.m_byteSymbol[byte] = t.intern(s);
        t.m_byteEndSymbol[byte] = t.intern(s + kWordEnd);
    }
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [left, right] = merges[rank];
        const Symbol a = t.intern(left);
        const Symbol b = t.intern(right);
        const Symbol result = t.intern(left + right);
        // dict(zip(merges, range(n))): a repeated pair keeps its last rank.
        t.m_merges.insert_or_assign((static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b),
                                    Merge{static_cast<int32_t>(rank), result});
    }
    int64_t maxId = -1;
    for (const auto& [token, id] : vocab) {
        maxId = std::max(maxId, id);
    }
    t.m_idToken.assign(static_cast<size_t>(maxId + 1), std::string());
    for (const auto& [token, id] : vocab) {
        t.m_symbolId[static_cast<size_t>(t.intern(token))] = id;
        t.m_idToken[static_cast<size_t>(id)] = token;
    }
    const auto special = [&](const char* token) {
        const auto it = t.m_symbolIndex.find(token);
        if (it == t.m_symbolIndex.end() || t.m_symbolId[static_cast<size_t>(it->second)] < 0) {
            throw WeightsError(source + ": the vocabulary has no " + token + " token");
        }
        return it->second;
    };
    t.m_startSymbol = special(kStartOfText);
    t.m_endSymbol = special(kEndOfText);
    t.m_bosId = t.m_symbolId[static_cast<size_t>(t.m_startSymbol)];
    t.m_eosId = t.m_symbolId[static_cast<size_t>(t.m_endSymbol)];
    return t;
}

ClipTokenizer ClipTokenizer::truncated(int64_t vocabSize) const {
    const int64_t fullMerges = this->vocabSize() - 514;
    if (m_bosId != this->vocabSize() - 2 || m_eosId != this->vocabSize() - 1 || fullMerges < 0) {
        throw WeightsError("cannot shrink this CLIP vocabulary: it is not in openai's order (special tokens last)");
    }
    if (vocabSize == this->vocabSize()) {
        return *this;
    }
    const int64_t keptMerges = vocabSize - 514;
    if (keptMerges < 0 || keptMerges > fullMerges) {
        throw WeightsError("a CLIP vocabulary of " + std::to_string(vocabSize) + " tokens cannot be made from " +
                           std::to_string(this->vocabSize()) + " (expected 514 .. " +
                           std::to_string(this->vocabSize()) + ")");
    }
    ClipTokenizer t = *this;
    for (auto it = t.m_merges.begin(); it != t.m_merges.end();) {
        it = it->second.rank >= keptMerges ? t.m_merges.erase(it) : std::next(it);
    }
    const int64_t firstDropped = 512 + keptMerges;
    // Merge tokens get their ids again from the kept merges only: a string that two merges produce keeps the id
    // of the last KEPT one, as dict(zip(vocab, range(n))) over the shorter vocabulary would give.
    for (int64_t& id : t.m_symbolId) {
        if (id >= 512) {
            id = -1;
        }
    }
    for (const auto& [pair, merge] : t.m_merges) {
        int64_t& id = t.m_symbolId[static_cast<size_t>(merge.result)];
        id = std::max(id, int64_t{512} + merge.rank);
    }
    t.m_bosId = firstDropped;
    t.m_eosId = firstDropped + 1;
    t.m_symbolId[static_cast<size_t>(t.m_startSymbol)] = t.m_bosId;
    t.m_symbolId[static_cast<size_t>(t.m_endSymbol)] = t.m_eosId;
    t.m_idToken.resize(static_cast<size_t>(vocabSize));
    t.m_idToken[static_cast<size_t>(t.m_bosId)] = kStartOfText;
    t.m_idToken[static_cast<size_t>(t.m_eosId)] = kEndOfText;
    return t;
}

int64_t ClipTokenizer::idOf(Symbol symbol) const {
    const int64_t id = m_symbolId[static_cast<size_t>(symbol)];
    return id >= 0 ? id : m_eosId;  // unk_token is "<|endoftext|>"
}

std::string ClipTokenizer::tokenString(int64_t id) const {
    return id >= 0 && id < vocabSize() ? m_idToken[static_cast<size_t>(id)] : std::string();
}

std::vector<ClipTokenizer::Symbol> ClipTokenizer::bpe(const std::string& piece) const {
    // HF's bpe() cache starts with the two special tokens, so a piece spelling one exactly is that token.
    if (piece == kStartOfText)
        return {m_startSymbol};
    if (piece == kEndOfText)
        return {m_endSymbol};
    std::vector<Symbol> word;
    word.reserve(piece.size());
    for (size_t k = 0; k < piece.size(); ++k) {
        const auto byte = static_cast<unsigned char>(piece[k]);
        word.push_back(k + 1 == piece.size() ? m_byteEndSymbol[byte] : m_byteSymbol[byte]);
    }
    std::vector<Symbol> next;
    while (word.size() > 1) {
        // The adjacent pair with the lowest merge rank...
        int32_t bestRank = std::numeric_limits<int32_t>::max();
        const Merge* best = nullptr;
        Symbol first = -1, second = -1;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            const auto it = m_merges.find((static_cast<uint64_t>(word[i]) << 32) | static_cast<uint32_t>(word[i + 1]));
            if (it != m_merges.end() && it->second.rank < bestRank) {
                bestRank = it->second.rank;
                best = &it->second;
                first = word[i];
                second = word[i + 1];
            }
        }
        if (best == nullptr) {
            break;
        }
        // ...is merged at every non-overlapping occurrence, left to right.
        next.clear();
        for (size_t i = 0; i < word.size();) {
            if (word[i] == first && i + 1 < word.size() && word[i + 1] == second) {
                next.push_back(best->result);
                i += 2;
            } else {
                next.push_back(word[i++]);
            }
        }
        word.swap(next);
    }
    return word;
}

template <typename Emit>
void ClipTokenizer::forEachToken(const std::string& utf8, Emit&& emit) const {
    const std::u32string text = unicode::fromUtf8(utf8);
    const std::u32string start = unicode::fromUtf8(kStartOfText);
    const std::u32string end = unicode::fromUtf8(kEndOfText);
    // Chunks between literal special tokens are cleaned and split on their own (HF's added-token trie).
    const auto processChunk = [&](std::u32string_view chunk) {
        if (chunk.empty())
            return true;
        for (const std::u32string& piece : splitPieces(cleanDecoded(chunk))) {
            for (Symbol symbol : bpe(unicode::toUtf8(piece))) {
                if (!emit(symbol))
                    return false;
            }
        }
        return true;
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        const size_t atStart = text.find(start, pos);
        const size_t atEnd = text.find(end, pos);
        const size_t at = std::min(atStart, atEnd);
        if (at == std::u32string::npos) {
            processChunk(std::u32string_view(text).substr(pos));
            return;
        }
        if (!processChunk(std::u32string_view(text).substr(pos, at - pos)))
            return;
        const bool isStart = at == atStart;
        if (!emit(isStart ? m_startSymbol : m_endSymbol))
            return;
        pos = at + (isStart ? start.size() : end.size());
    }
}

std::vector<int64_t> ClipTokenizer::textIds(const std::string& utf8) const {
    std::vector<int64_t> ids;
    forEachToken(utf8, [&](Symbol s) {
        ids.push_back(idOf(s));
        return true;
    });
    return ids;
}

std::vector<std::string> ClipTokenizer::tokens(const std::string& utf8) const {
    std::vector<std::string> out;
    forEachToken(utf8, [&](Symbol s) {
        out.push_back(m_symbols[static_cast<size_t>(s)]);
        return true;
    });
    return out;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& utf8, int maxLength) const {
    if (maxLength < 2) {
        throw ArgumentError("ClipTokenizer::encode: maxLength " + std::to_string(maxLength) +
                            " leaves no room for the start and end tokens (needs at least 2)");
    }
    const size_t budget = static_cast<size_t>(maxLength) - 2;
    std::vector<int64_t> row;
    row.reserve(static_cast<size_t>(maxLength));
    row.push_back(m_bosId);
    // Later text cannot change earlier tokens, so tokenizing stops once the budget is full.
    if (budget > 0) {
        forEachToken(utf8, [&](Symbol s) {
            row.push_back(idOf(s));
            return row.size() - 1 < budget;
        });
    }
    row.push_back(m_eosId);
    row.resize(static_cast<size_t>(maxLength), padId());
    return row;
}

torch::Tensor ClipTokenizer::encodeBatch(const std::vector<std::string>& texts, int maxLength) const {
    if (maxLength < 2) {
        throw ArgumentError("ClipTokenizer::encodeBatch: maxLength " + std::to_string(maxLength) +
                            " leaves no room for the start and end tokens (needs at least 2)");
    }
    torch::Tensor out = torch::empty({static_cast<int64_t>(texts.size()), maxLength}, torch::kLong);  // [B, L]
    auto rows = out.accessor<int64_t, 2>();
    for (size_t b = 0; b < texts.size(); ++b) {
        const std::vector<int64_t> row = encode(texts[b], maxLength);
        for (int k = 0; k < maxLength; ++k) {
            rows[static_cast<int64_t>(b)][k] = row[static_cast<size_t>(k)];
        }
    }
    return out;
}

std::string ClipTokenizer::cleanText(const std::string& utf8) {
    return unicode::toUtf8(cleanDecoded(unicode::fromUtf8(utf8)));
}

}  // namespace sm::text
