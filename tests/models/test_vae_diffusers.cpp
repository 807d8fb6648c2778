// SD KL-f8 autoencoder under diffusers names (golden case diffusers_vae_tiny): encode, posterior (stored noise and
// seeded generator), decode, intermediates, a float64 build, the old attention names, the ldm export, and tiled
// decoding against the single-pass decode.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <cmath>
#include <regex>
#include <string>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/error.h"
#include "vae/autoencoder_kl.h"
#include "vae/key_map.h"

namespace {

const QString kCase = QStringLiteral("diffusers_vae_tiny");

}  // namespace

class TestVaeDiffusers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case diffusers_vae_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        m_case = std::make_unique<sm::test::GoldenCase>(kCase);
        m_weights = m_case->weights();
        QCOMPARE(int64_t(m_weights.size()), m_case->json().at("derived").at("state_dict_entries").get<int64_t>());
        QCOMPARE(sm::vae::detectKeyNaming(m_weights, "weights.safetensors"), sm::vae::KeyNaming::Diffusers);
        m_vae = sm::vae::loadAutoencoderKL(m_weights, "diffusers_vae_tiny/weights.safetensors");
    }

    void configFromWeightsMatchesCase() {
        const auto& config = m_case->json().at("config");
        const auto& got = m_vae->config();
        QCOMPARE(got.blockOutChannels, config.at("block_out_channels").get<std::vector<int64_t>>());
        QCOMPARE(got.layersPerBlock, config.at("layers_per_block").get<int64_t>());
        QCOMPARE(got.latentChannels, config.at("latent_channels").get<int64_t>());
        QCOMPARE(got.inChannels, config.at("in_channels").get<int64_t>());
        QCOMPARE(got.outChannels, config.at("out_channels").get<int64_t>());
        QCOMPARE(got.scalingFactor, config.at("scaling_factor").get<double>());
        QCOMPARE(got.downsampleFactor(), m_case->json().at("derived").at("latent_downsample_factor").get<int64_t>());
        int64_t params = 0;
        for (const auto& p : m_vae->parameters()) {
            params += p.numel();
        }
        QCOMPARE(params, m_case->json().at("derived").at("num_parameters").get<int64_t>());
    }

    void encodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const torch::Tensor image = m_case->io("in.image");
        const sm::vae::DiagonalGaussian posterior = m_vae->encodeDistribution(image);
        check("out.moments", posterior.moments());
        check("out.mean", posterior.mean());
        check("out.logvar", posterior.logvar());
        check("out.std", posterior.std());
        check("out.posterior_sample", posterior.sample(m_case->io("in.posterior_noise")));
        check("mid.enc.mid_block_out", m_vae->encoder->features(image));
        check("mid.enc.encoder_out", m_vae->encoder(image));
    }

    void seededSampleReproducesStoredNoise() {
        // The note of out.posterior_sample says how the noise was drawn: "manual_seed(seed + k)".
        const auto& tol = m_case->json().at("tolerance").at("out.posterior_sample");
        const std::string note = tol.value("note", "");
        std::smatch match;
        if (!std::regex_search(note, match, std::regex(R"(manual_seed\(seed \+ (\d+)\))"))) {
            QSKIP("case.json does not say how the posterior noise was seeded");
        }
        const uint64_t seed = m_case->json().at("seed").get<uint64_t>() + std::stoull(match[1].str());
        torch::NoGradGuard noGrad;
        const sm::vae::DiagonalGaussian posterior = m_vae->encodeDistribution(m_case->io("in.image"));
        const torch::Tensor noise = torch::randn(posterior.mean().sizes(), at::detail::createCPUGenerator(seed));
        SM_VERIFY_OK(sm::test::checkEqual("noise", m_case->io("in.posterior_noise"), noise));
        check("out.posterior_sample", posterior.sample(at::detail::createCPUGenerator(seed)));
    }

    void decodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const torch::Tensor z = m_case->io("in.z");
        check("out.decoded", m_vae->decode(z));
        const torch::Tensor postQuant = m_vae->post_quant_conv(z);
        check("mid.dec.post_quant_conv_out", postQuant);
        const torch::Tensor mid = m_vae->decoder->mid_block(m_vae->decoder->conv_in(postQuant));
        check("mid.dec.mid_block_out", mid);
        check("mid.dec.up0_out", m_vae->decoder->upBlocks.at(0)(mid));
    }

    void float64BuildMatchesReference() {
        const auto& tol = m_case->json().at("tolerance").at("out.moments_f64").at("float64_build");
        auto vae = sm::vae::loadAutoencoderKL(m_weights, "diffusers_vae_tiny/weights.safetensors", torch::kFloat64);
        torch::NoGradGuard noGrad;
        const torch::Tensor moments = vae->encode(m_case->io("in.image").to(torch::kFloat64));
        QCOMPARE(moments.scalar_type(), torch::kFloat64);
        report("out.moments_f64", moments, tol.at("max_abs").get<double>(), tol.at("rel_l2").get<double>());
        SM_VERIFY_OK(sm::test::checkClose("out.moments_f64", m_case->io("out.moments_f64"), moments,
                                          tol.at("max_abs").get<double>(), tol.at("rel_l2").get<double>()));
    }

    void loadsOldAttentionNames() {
        // Old diffusers files name the mid-block attention query/key/value/proj_attn.
        sm::io::StateDict old;
        const std::vector<std::pair<std::string, std::string>> renames = {
            {".to_q.", ".query."}, {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}};
        int renamed = 0;
        for (const auto& [key, tensor] : m_weights) {
            std::string name = key;
            for (const auto& [now, before] : renames) {
                const size_t at = name.find(now);
                if (name.find("mid_block.attentions.0") != std::string::npos && at != std::string::npos) {
                    name.replace(at, now.size(), before);
                    ++renamed;
                }
            }
            old.emplace(name, tensor);
        }
        QCOMPARE(renamed, 16);  // 4 projections x (weight, bias) x (encoder, decoder)
        auto vae = sm::vae::loadAutoencoderKL(old, "old/diffusion_pytorch_model.bin");
        torch::NoGradGuard noGrad;
        const torch::Tensor z = m_case->io("in.z");
        QVERIFY(torch::equal(vae->decode(z), m_vae->decode(z)));
    }

    void ldmExportLoadsBack() {
        // diffusers -> ldm names (attention as 1x1 convs, decoder levels reversed) -> load -> same model.
        const sm::io::StateDict ldm = sm::vae::exportLdmStateDict(m_vae);
        QCOMPARE(ldm.size(), m_weights.size());
        QCOMPARE(ldm.at("decoder.mid.attn_1.q.weight").sizes().vec(), (std::vector<int64_t>{32, 32, 1, 1}));
        QVERIFY(torch::equal(ldm.at("decoder.up.0.block.2.conv2.weight"),
                             m_weights.at("decoder.up_blocks.3.resnets.2.conv2.weight")));
        QCOMPARE(sm::vae::detectKeyNaming(ldm, "export"), sm::vae::KeyNaming::Ldm);
        auto vae = sm::vae::loadAutoencoderKL(ldm, "export.ckpt");
        torch::NoGradGuard noGrad;
        const torch::Tensor image = m_case->io("in.image");
        QVERIFY(torch::equal(vae->encode(image), m_vae->encode(image)));
    }

    void tiledDecodeMatchesSinglePass() {
        torch::NoGradGuard noGrad;
        // A 24x24 latent (192x192 pixels) in 12-latent tiles with 4 latents of overlap: origins 0, 8, 12 on each
        // axis, so the last row and column overlap their neighbours by 8 and both blend cases are exercised.
        const sm::vae::TiledDecodeOptions options{12, 4};
        const torch::Tensor z = torch::randn({1, 4, 24, 24}, at::detail::createCPUGenerator(20240611));
        const std::vector<int64_t> origins = sm::vae::tileOrigins(z.size(2), options);
        QCOMPARE(origins, (std::vector<int64_t>{0, 8, 12}));
        const torch::Tensor full = m_vae->decode(z);
        const torch::Tensor tiled = m_vae->decodeTiled(z, options);
        const torch::Tensor seams = m_vae->decodeTiled(z, {12, 0});
        QCOMPARE(tiled.sizes(), full.sizes());

        // The tolerance is the error no tiling can avoid: a tile decoded alone differs from the same pixels of the
        // single-pass decode (zero padding at its edges, its own GroupNorm statistics and attention), by e_i.
        // The blend is a convex combination of tile outputs (weights >= 0, <= 1, summing to 1), so by Jensen,
        // pixel by pixel (sum_i w_i e_i)^2 <= sum_i w_i e_i^2, hence ||tiled - full||^2 <= sum_i ||e_i||^2.
        // Misplaced tiles or un-normalised weights break this bound.
        const int64_t f = m_vae->config().downsampleFactor();
        double tileErrorSq = 0;
        for (const int64_t y : origins) {
            for (const int64_t x : origins) {
                const torch::Tensor alone = m_vae->decode(z.narrow(2, y, options.tile).narrow(3, x, options.tile));
                const torch::Tensor same = full.narrow(2, y * f, options.tile * f).narrow(3, x * f, options.tile * f);
                tileErrorSq += (alone - same).to(torch::kDouble).pow(2).sum().item<double>();
            }
        }
        const double bound = std::sqrt(tileErrorSq) / full.to(torch::kDouble).norm().item<double>();
        const sm::test::Diff blended = sm::test::compare(full, tiled);
        const sm::test::Diff hard = sm::test::compare(full, seams);
        qInfo("tiled vs single pass: rel_l2 %.3g (bound from per-tile context error %.3g); hard seams: rel_l2 %.3g",
              blended.relL2, bound, hard.relL2);
        QVERIFY2(blended.relL2 <= bound * (1 + 1e-6), "tiled decode exceeds the per-tile context error");
        // Blending neighbours must also beat hard seams, where each pixel comes from one tile only.
        QVERIFY2(blended.relL2 < hard.relL2, "blending the overlap should reduce the tiling error");
        // One tile covering the whole latent is the single-pass decode exactly.
        QVERIFY(torch::equal(m_vae->decodeTiled(z, {24, 4}), full));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, m_vae->decodeTiled(z, {8, 8}));
    }

private:
    void report(const std::string& name, const torch::Tensor& port, double maxAbs, double relL2) {
        const sm::test::Diff d = sm::test::compare(m_case->io(name), port);
        qInfo("%s: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", name.c_str(), d.maxAbs, maxAbs, d.relL2,
              relL2);
    }

    void check(const std::string& name, const torch::Tensor& port) {
        const auto& tol = m_case->json().at("tolerance").at(name).at("fp32_cpu");
        const double maxAbs = tol.at("max_abs").get<double>(), relL2 = tol.at("rel_l2").get<double>();
        report(name, port, maxAbs, relL2);
        SM_VERIFY_OK(sm::test::checkClose(name, m_case->io(name), port, maxAbs, relL2));
    }

    std::unique_ptr<sm::test::GoldenCase> m_case;
    sm::io::StateDict m_weights;
    sm::vae::AutoencoderKL m_vae{nullptr};
};

QTEST_GUILESS_MAIN(TestVaeDiffusers)
#include "test_vae_diffusers.moc"
