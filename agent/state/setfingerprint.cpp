#include "setfingerprint.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>

namespace keel::agent {

namespace {

void hashField(crypto_hash_sha256_state &hash, std::string_view field)
{
    const std::uint64_t size = field.size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<unsigned char>(size >> (8 * i));
    crypto_hash_sha256_update(&hash, length, sizeof length);
    crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char *>(field.data()), field.size());
}

std::string finish(crypto_hash_sha256_state &hash)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hash, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

} // namespace

std::string SetFingerprint::ofComponents(const std::vector<ComponentRef> &components)
{
    std::vector<const ComponentRef *> sorted;
    for (const auto &ref : components)
        sorted.push_back(&ref);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ComponentRef *a, const ComponentRef *b) { return a->manifest.name < b->manifest.name; });
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    for (const ComponentRef *ref : sorted) {
        const auto &m = ref->manifest;
        hashField(hash, "component");
        for (std::string_view field : {std::string_view(m.name), std::string_view(m.version),
                                       m.abi == ComponentAbi::Keel ? std::string_view("keel") : std::string_view("wagi")})
            hashField(hash, field);
        hashField(hash, std::to_string(m.dataClasses.size()));
        for (const auto &c : m.dataClasses)
            hashField(hash, c);
        hashField(hash, std::to_string(m.grants.size()));
        for (const auto &g : m.grants)
            hashField(hash, g);
        hashField(hash, std::to_string(m.config.size()));
        for (const auto &[key, value] : m.config) {
            hashField(hash, key);
            hashField(hash, value);
        }
        hashField(hash, std::to_string(m.limits.memoryMb) + "/" + std::to_string(m.limits.deadlineMs) + "/"
                            + std::to_string(m.limits.maxResponseBytes) + "/" + std::to_string(m.limits.maxTableElements)
                            + "/" + std::to_string(m.limits.maxInstances));
        // Only when set, so that sets applied before health paths existed keep their
        // fingerprints (and identities) and are not reloaded after an upgrade. A digest
        // ("sha256:...") is never the field name, so the encoding stays unambiguous.
        if (!m.healthPath.empty()) {
            hashField(hash, "health_path");
            hashField(hash, m.healthPath);
        }
        for (std::string_view field : {std::string_view(ref->moduleDigest), std::string_view(ref->moduleSignature),
                                       std::string_view(ref->aotDigest), std::string_view(ref->aotSignature),
                                       std::string_view(ref->aotTarget)})
            hashField(hash, field);
        hashField(hash, std::to_string(ref->moduleSize) + "/" + std::to_string(ref->aotSize));
    }
    return finish(hash);
}

std::string SetFingerprint::ofState(const std::vector<ComponentRef> &components, const std::vector<ComponentRef> &standby)
{
    if (standby.empty())
        return ofComponents(components);
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    hashField(hash, ofComponents(components));
    hashField(hash, "standby");
    hashField(hash, ofComponents(standby));
    return finish(hash);
}

std::string SetFingerprint::ofState(const std::vector<ComponentRef> &components, const std::vector<ComponentRef> &standby,
                                    const NodeResidency *residency)
{
    if (!residency)
        return ofState(components, standby);
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    hashField(hash, ofState(components, standby));
    hashField(hash, "residency");
    const auto list = [&](const std::vector<std::string> &items) {
        hashField(hash, std::to_string(items.size()));
        for (const auto &item : items)
            hashField(hash, item);
    };
    hashField(hash, residency->jurisdiction);
    hashField(hash, residency->defaultSubject);
    hashField(hash, std::to_string(residency->policyVersion));
    hashField(hash, std::to_string(residency->rules.size()));
    for (const auto &rule : residency->rules) {
        hashField(hash, rule.name);
        hashField(hash, rule.dataClass);
        list(rule.subjects);
        list(rule.allowed);
        hashField(hash, residency::modeName(rule.mode));
    }
    hashField(hash, std::to_string(residency->placements.size()));
    for (const auto &placement : residency->placements) {
        hashField(hash, placement.component);
        hashField(hash, std::to_string(placement.regions.size()));
        for (const auto &region : placement.regions) {
            hashField(hash, region.region);
            hashField(hash, region.jurisdiction);
            list(region.endpoints);
        }
    }
    return finish(hash);
}

std::string SetFingerprint::identity(const ComponentRef &component, bool onAot)
{
    return ofComponents({component}) + (onAot ? ":aot" : ":interp");
}

} // namespace keel::agent
