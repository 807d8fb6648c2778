// Noise schedules: the 12 ldm DDPM buffers (golden `euler_ancestral`), diffusers' linear betas and float32
// alphas_cumprod (golden `ddim_linear_50`), scaled_linear, and argument checks.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <memory>
#include <string>

#include "golden.h"
#include "runtime/error.h"
#include "sampling/schedules.h"

using namespace sm::sampling;
using nlohmann::json;

namespace {

// Elementwise |ref − port| <= rel·|ref| + abs (exact zeros stay exact when abs = 0).
QString checkElementwise(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port,
                         double rel, double abs = 0.0) {
    if (reference.sizes() != port.sizes()) {
        return QString::fromStdString(label + ": shape mismatch");
    }
    const torch::Tensor r = reference.to(torch::kFloat64);
    const torch::Tensor p = port.to(torch::kFloat64);
    const torch::Tensor d = (r - p).abs();
    qInfo("%s: max elementwise rel %.3g (allowed %.3g)", label.c_str(),
          (d / r.abs().clamp_min(1e-30)).masked_fill(d == 0, 0).max().item<double>(), rel);
    const torch::Tensor bad = d > r.abs() * rel + abs;
    if (!bad.any().item<bool>()) {
        return {};
    }
    return QStringLiteral("%1: %2 elements beyond rel %3 / abs %4 (max abs diff %5)")
        .arg(QString::fromStdString(label))
        .arg(bad.sum().item<int64_t>())
        .arg(rel, 0, 'g', 3)
        .arg(abs, 0, 'g', 3)
        .arg(d.max().item<double>(), 0, 'g', 4);
}

}  // namespace

class TestSchedules : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<sm::test::GoldenCase> m_ldm;
    std::unique_ptr<sm::test::GoldenCase> m_ddim;

private Q_SLOTS:
    void initTestCase() {
        if (sm::test::GoldenCase::exists(QStringLiteral("euler_ancestral"))) {
            m_ldm = std::make_unique<sm::test::GoldenCase>(QStringLiteral("euler_ancestral"));
        }
        if (sm::test::GoldenCase::exists(QStringLiteral("ddim_linear_50"))) {
            m_ddim = std::make_unique<sm::test::GoldenCase>(QStringLiteral("ddim_linear_50"));
        }
    }

    void ldmBuffersMatchRegisterSchedule() {
        if (!m_ldm) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        const json& params = m_ldm->json().at("reference").at("schedule").at("params");
        QCOMPARE(params.at("beta_schedule").get<std::string>(), std::string("linear"));
        LdmScheduleConfig config;
        config.timesteps = params.at("timesteps").get<int64_t>();
        config.linearStart = params.at("linear_start").get<double>();
        config.linearEnd = params.at("linear_end").get<double>();
        const double rel = m_ldm->json()
                               .at("tolerance")
                               .at("schedule.*, kd.sigmas_table, kd.log_sigmas_table")
                               .at("max_abs_rel")
                               .get<double>();
        const DdpmSchedule schedule = ldmLinearSchedule(config);
        const auto buffers = schedule.buffers();
        QCOMPARE(buffers.size(), size_t(12));
        for (const auto& [name, tensor] : buffers) {
            QCOMPARE(tensor.scalar_type(), torch::kFloat32);
            QCOMPARE(tensor.size(0), config.timesteps);
            const std::string key = "schedule." + name;
            QVERIFY2(m_ldm->hasIo(key), key.c_str());
            SM_VERIFY_OK(checkElementwise(key, m_ldm->io(key), tensor, rel));
        }
    }

    void ldmScheduleFromCheckpointBetas() {
        if (!m_ldm) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        // A checkpoint stores float32 betas; rebuilding from them reproduces the float32 buffers closely (the
        // reference started from float64 betas, so allow a few float32 ulps).
        const DdpmSchedule fromBetas = ddpmScheduleFromBetas(m_ldm->io("schedule.betas"));
        SM_VERIFY_OK(checkElementwise("alphas_cumprod from fp32 betas", m_ldm->io("schedule.alphas_cumprod"),
                                      fromBetas.alphasCumprod, 2e-5));
        SM_VERIFY_OK(checkElementwise("posterior_variance[0] is 0", torch::zeros({1}),
                                      fromBetas.posteriorVariance.slice(0, 0, 1), 0.0));
    }

    void diffusersLinearMatchesDdimScheduler() {
        if (!m_ddim) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        const json& config = m_ddim->json().at("effective_config");
        const json& tol = m_ddim->json()
                              .at("tolerance")
                              .at("betas / alphas_cumprod / final_alpha_cumprod / alphas_cumprod_*")
                              .at("fp32_cpu");
        const double maxAbs = tol.at("max_abs").get<double>();
        const double rel = tol.at("max_rel_elementwise").get<double>();
        const torch::Tensor betas =
            diffusersBetas(parseDiffusersBetaSchedule(config.at("beta_schedule").get<std::string>()),
                           config.at("beta_start").get<double>(), config.at("beta_end").get<double>(),
                           config.at("num_train_timesteps").get<int64_t>());
        QCOMPARE(betas.scalar_type(), torch::kFloat32);
        SM_VERIFY_OK(sm::test::checkClose("betas", m_ddim->io("betas"), betas, maxAbs, 1.0));
        SM_VERIFY_OK(checkElementwise("betas", m_ddim->io("betas"), betas, rel));
        const torch::Tensor ac = diffusersAlphasCumprod(betas);
        QCOMPARE(ac.scalar_type(), torch::kFloat32);
        SM_VERIFY_OK(sm::test::checkClose("alphas_cumprod", m_ddim->io("alphas_cumprod"), ac, maxAbs, 1.0));
        SM_VERIFY_OK(checkElementwise("alphas_cumprod", m_ddim->io("alphas_cumprod"), ac, rel));
        // The README's spot values.
        const json& values = m_ddim->json().at("values");
        for (const char* key : {"alphas_cumprod[975]", "alphas_cumprod[981]", "alphas_cumprod[999]"}) {
            const std::string k(key);
            const int64_t index = std::stoll(k.substr(k.find('[') + 1));
            QVERIFY2(
                std::abs(ac[index].item<double>() - values.at(k).get<double>()) <= rel * values.at(k).get<double>(),
                key);
        }
    }

    void scaledLinearIsLdmLinearInFloat32() {
        // SD's scaled_linear is the ldm "linear" schedule computed in float32 instead of float64.
        const DdpmSchedule ldm = ldmLinearSchedule();
        const torch::Tensor scaled = diffusersBetas(DiffusersBetaSchedule::ScaledLinear, 0.00085, 0.012);
        QCOMPARE(scaled.scalar_type(), torch::kFloat32);
        SM_VERIFY_OK(checkElementwise("scaled_linear betas", ldm.betas, scaled, 2e-6));
        SM_VERIFY_OK(
            checkElementwise("scaled_linear alphas_cumprod", ldm.alphasCumprod, diffusersAlphasCumprod(scaled), 5e-5));
        QVERIFY((scaled.slice(0, 1) > scaled.slice(0, 0, 999)).all().item<bool>());
        // Linear endpoints are exact.
        const torch::Tensor linear = diffusersBetas(DiffusersBetaSchedule::Linear, 1e-4, 0.02, 1000);
        QCOMPARE(linear[0].item<float>(), 1e-4f);
        QCOMPARE(linear[999].item<float>(), 0.02f);
    }

    void ldmDerivedBuffersAreConsistent() {
        // Identities of register_schedule, checked in float64 from the float32 buffers.
        const DdpmSchedule s = ldmLinearSchedule();
        auto d = [](const torch::Tensor& t) { return t.to(torch::kFloat64); };
        const torch::Tensor ac = d(s.alphasCumprod);
        SM_VERIFY_OK(checkElementwise("sqrt_alphas_cumprod^2", ac, d(s.sqrtAlphasCumprod).square(), 1e-6));
        SM_VERIFY_OK(
            checkElementwise("alphas_cumprod_prev", ac.slice(0, 0, 999), d(s.alphasCumprodPrev).slice(0, 1), 0.0));
        QCOMPARE(s.alphasCumprodPrev[0].item<float>(), 1.0f);
        // With x_t = sqrt(ᾱ_t)·x0 the posterior mean coef1·x0 + coef2·x_t must be sqrt(ᾱ_{t-1})·x0.
        SM_VERIFY_OK(checkElementwise(
            "posterior mean coefficients", torch::ones({1000}, torch::kFloat64),
            (d(s.posteriorMeanCoef1) + d(s.posteriorMeanCoef2) * ac.sqrt()) / d(s.alphasCumprodPrev).sqrt(), 1e-5));
        QCOMPARE(s.posteriorLogVarianceClipped[0].item<float>(), static_cast<float>(std::log(1e-20)));
    }

    void rejectsBadArguments() {
        LdmScheduleConfig bad;
        bad.timesteps = 1;
        QVERIFY_EXCEPTION_THROWN(ldmLinearSchedule(bad), sm::ArgumentError);
        bad = {};
        bad.linearStart = 0.02;
        bad.linearEnd = 0.01;
        QVERIFY_EXCEPTION_THROWN(ldmLinearSchedule(bad), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(ddpmScheduleFromBetas(torch::tensor({0.5, 1.5})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(ddpmScheduleFromBetas(torch::ones({2, 2}) * 0.1), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(parseDiffusersBetaSchedule("squaredcos_cap_v2"), sm::ArgumentError);
        QCOMPARE(parseDiffusersBetaSchedule("scaled_linear"), DiffusersBetaSchedule::ScaledLinear);
        QVERIFY_EXCEPTION_THROWN(diffusersBetas(DiffusersBetaSchedule::Linear, 1e-4, 0.02, 1), sm::ArgumentError);
    }
};

QTEST_GUILESS_MAIN(TestSchedules)
#include "test_schedules.moc"
