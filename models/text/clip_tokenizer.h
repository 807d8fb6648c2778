#pragma once
// The CLIP BPE tokenizer exactly as ldm's FrozenCLIPEmbedder gets its ids from the HF CLIPTokenizer (slow, with
// ftfy): tokenizer(text, truncation=True, max_length=77, padding="max_length"). Used by Pix2Gif (SD-1.x text
// encoder, openai/clip-vit-large-patch14 vocabulary) and Cinemo.
//
//   sm::text::ClipTokenizer tok = sm::text::ClipTokenizer::fromDirectory("model/tokenizer");
//   std::vector<int64_t> ids = tok.encode("A cat is playing with wool.");  // 77 ids: BOS, text, EOS, EOS padding
//   torch::Tensor batch = tok.encodeBatch({"a cat", ""});                  // [2, 77] int64
//
// Pipeline (each step mirrors the reference; see case clip_tokenizer in shared/golden):
//  1. The text is split at the literal special tokens "<|startoftext|>" / "<|endoftext|>" (HF's added-token trie);
//     they become their ids directly, the pieces between are tokenized independently.
//  2. Clean-up: lower(whitespace_clean(ftfy.fix_text(piece))) — fixText() (text_fixer.h), runs of White_Space to
//     one space, strip, Python's str.lower(). HF does not html.unescape() the text as openai's tokenizer does.
//  3. Split with <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
//     (case-insensitive): letter runs, single digits, runs of other non-space characters.
//  4. Each piece's UTF-8 bytes map to byte-level symbols (GPT-2's bytes_to_unicode), the last symbol gets "</w>",
//     and the BPE merges are applied in rank order.
//  5. Ids are cut to maxLength - 2, framed as [BOS, ids..., EOS] and right-padded with the pad id (EOS for CLIP).
//
// Vocabulary sources, which give identical ids: openai's bpe_simple_vocab_16e6.txt.gz, or HF's vocab.json +
// merges.txt (a diffusers/transformers "tokenizer/" folder). Like both references, only the first 48,894 merges
// (49152 - 256 - 2) are used.
//
// Thread-safety: immutable after construction; all const methods may be called from several threads at once.
// Errors: the loaders throw sm::WeightsError naming the file and the problem; encode() throws sm::ArgumentError
// for maxLength < 2. Ill-formed UTF-8 in the input is decoded with U+FFFD replacement, never rejected.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sm::text {

class ClipTokenizer {
public:
    static constexpr int kDefaultMaxLength = 77;
    /// The number of merges both references read from a merges file: 49152 - 256 - 2.
    static constexpr int kMergeCount = 48894;

    /// openai's gzip-compressed merges file (first line a header, then one "a b" merge per line).
    static ClipTokenizer fromOpenAiVocab(const std::string& gzPath);
    /// HF's vocab.json (token -> id) and merges.txt (header line, then merges).
    static ClipTokenizer fromHuggingFace(const std::string& vocabJsonPath, const std::string& mergesPath);
    /// A folder with vocab.json + merges.txt, or with bpe_simple_vocab_16e6.txt.gz.
    static ClipTokenizer fromDirectory(const std::string& directory);

    /// One row of `maxLength` ids: [BOS, text ids cut to maxLength - 2, EOS, pad...].
    std::vector<int64_t> encode(const std::string& utf8, int maxLength = kDefaultMaxLength) const;
    /// encode() of every text as an int64 CPU tensor [B, maxLength].
    torch::Tensor encodeBatch(const std::vector<std::string>& texts, int maxLength = kDefaultMaxLength) const;

    /// The same BPE with only the first `vocabSize - 514` merges and the special tokens moved to the end (ids
    /// vocabSize - 2 and - 1): CLIP's own way of sizing its vocabulary (merges[:49152-256-2]), applied further.
    /// Every text still tokenizes (rarer words split into more pieces); ids below 512 + merges are unchanged.
    /// Small models (the demo model) use it to keep the token embedding small; the vocabulary size is read from
    /// the text encoder's token_embedding rows. Needs openai's vocabulary order (bytes, bytes + "</w>", one token
    /// per merge, specials last); throws sm::WeightsError otherwise or when vocabSize is out of range.
    ClipTokenizer truncated(int64_t vocabSize) const;

    /// The text's ids without BOS/EOS and without truncation.
    std::vector<int64_t> textIds(const std::string& utf8) const;
    /// The BPE token strings (byte-level symbols, "</w>" suffix), untruncated: for debugging and tests.
    std::vector<std::string> tokens(const std::string& utf8) const;
    /// Step 2 of the pipeline on its own: lower(whitespace_clean(ftfy.fix_text(text))).
    static std::string cleanText(const std::string& utf8);

    int64_t bosId() const { return m_bosId; }
    int64_t eosId() const { return m_eosId; }
    int64_t padId() const { return m_eosId; }  // pad_token = "<|endoftext|>" for the SD/CLIP tokenizers
    int64_t vocabSize() const { return static_cast<int64_t>(m_idToken.size()); }
    /// The token string of an id (empty for an unknown id).
    std::string tokenString(int64_t id) const;

private:
    // A BPE symbol is an index into m_symbols; merges and the vocabulary are keyed by symbols.
    using Symbol = int32_t;
    struct Merge {
        int32_t rank;
        Symbol result;
    };

    ClipTokenizer() = default;
    static ClipTokenizer build(const std::vector<std::pair<std::string, std::string>>& merges,
                               const std::vector<std::pair<std::string, int64_t>>& vocab, const std::string& source);
    Symbol intern(const std::string& text);
    /// Applies the merges to one piece's byte symbols.
    std::vector<Symbol> bpe(const std::string& pieceUtf8) const;
    /// Calls `emit(symbol)` for every token of the text, in order; stops early once it returns false.
    template <typename Emit>
    void forEachToken(const std::string& utf8, Emit&& emit) const;
    int64_t idOf(Symbol symbol) const;

    std::vector<std::string> m_symbols;
    std::unordered_map<std::string, Symbol> m_symbolIndex;
    std::unordered_map<uint64_t, Merge> m_merges;  // (left << 32 | right) -> merge
    std::vector<int64_t> m_symbolId;               // symbol -> vocabulary id, -1 when not in the vocabulary
    std::vector<std::string> m_idToken;            // vocabulary id -> token string
    Symbol m_byteSymbol[256] = {};                 // byte -> its symbol
    Symbol m_byteEndSymbol[256] = {};              // byte -> its symbol + "</w>"
    Symbol m_startSymbol = -1, m_endSymbol = -1;
    int64_t m_bosId = -1, m_eosId = -1;
};

}  // namespace sm::text
