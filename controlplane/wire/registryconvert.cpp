// keel.v1 <-> component registry types.
#include "protoconvert_p.h"

namespace Keel::Proto {

namespace pb = keel::v1;

void toProto(const Manifest &manifest, pb::Manifest *out)
{
    out->set_name(str(manifest.name));
    out->set_version(str(manifest.version));
    out->set_abi(manifest.abi == ComponentAbi::Wagi ? pb::COMPONENT_ABI_WAGI : pb::COMPONENT_ABI_KEEL);
    for (const QString &dataClass : manifest.dataClasses)
        out->add_data_classes(str(dataClass));
    for (const QString &grant : manifest.grants)
        out->add_grants(str(grant));
    out->mutable_limits()->set_memory_mb(manifest.limits.memoryMb);
    out->mutable_limits()->set_deadline_ms(manifest.limits.deadlineMs);
    out->mutable_limits()->set_max_response_bytes(manifest.limits.maxResponseBytes);
    out->mutable_limits()->set_max_table_elements(manifest.limits.maxTableElements);
    out->mutable_limits()->set_max_instances(manifest.limits.maxInstances);
    for (auto it = manifest.config.cbegin(); it != manifest.config.cend(); ++it)
        (*out->mutable_config())[str(it.key())] = str(it.value());
    out->set_health_path(str(manifest.healthPath));
}

Decoded<Manifest> fromProto(const pb::Manifest &manifest)
{
    Manifest m;
    m.name = str(manifest.name());
    m.version = str(manifest.version());
    switch (manifest.abi()) {
    case pb::COMPONENT_ABI_WAGI: m.abi = ComponentAbi::Wagi; break;
    case pb::COMPONENT_ABI_KEEL: m.abi = ComponentAbi::Keel; break;
    default:
        return Decoded<Manifest>::fail(QStringLiteral("manifest of %1: abi is unspecified or unknown (use wagi or keel)").arg(m.name));
    }
    for (const auto &dataClass : manifest.data_classes())
        m.dataClasses.append(str(dataClass));
    for (const auto &grant : manifest.grants())
        m.grants.append(str(grant));
    m.limits = {manifest.limits().memory_mb(), manifest.limits().deadline_ms(), manifest.limits().max_response_bytes(),
                manifest.limits().max_table_elements(), manifest.limits().max_instances()};
    for (const auto &[key, value] : manifest.config())
        m.config.insert(str(key), str(value));
    m.healthPath = str(manifest.health_path());
    return Decoded<Manifest>::ok(std::move(m));
}

void toProto(const ComponentVersion &version, pb::ComponentVersion *out)
{
    toProto(version.manifest, out->mutable_manifest());
    out->set_module_digest(str(version.moduleDigest));
    out->set_module_size(version.moduleSize);
    out->set_aot_state(str(toText(version.aotState)));
    out->set_aot_digest(str(version.aotDigest));
    out->set_aot_size(version.aotSize);
    out->set_aot_target(str(version.aotTarget));
    out->set_aot_error(str(version.aotError));
    out->set_pushed_unix_ms(toUnixMs(version.pushed));
    out->set_pushed_by(str(version.pushedBy));
}

Decoded<ComponentVersion> fromProto(const pb::ComponentVersion &version)
{
    auto manifest = fromProto(version.manifest());
    if (!manifest)
        return Decoded<ComponentVersion>::fail(manifest.error);
    const auto state = aotStateFromText(str(version.aot_state()));
    if (!state)
        return Decoded<ComponentVersion>::fail(QStringLiteral("component version with an unknown aot_state \"%1\"").arg(str(version.aot_state())));
    ComponentVersion v;
    v.manifest = std::move(*manifest.value);
    v.moduleDigest = str(version.module_digest());
    v.moduleSize = version.module_size();
    v.aotState = *state;
    v.aotDigest = str(version.aot_digest());
    v.aotSize = version.aot_size();
    v.aotTarget = str(version.aot_target());
    v.aotError = str(version.aot_error());
    v.pushed = fromUnixMs(version.pushed_unix_ms());
    v.pushedBy = str(version.pushed_by());
    return Decoded<ComponentVersion>::ok(std::move(v));
}

void toProto(const AotBuildFinished &event, pb::AotBuildFinished *out)
{
    out->set_component(str(event.component));
    out->set_version(str(event.version));
    out->set_target(str(event.target));
    if (event.error.isEmpty())
        out->set_aot_digest(str(event.aotDigest));
    else
        out->set_error(str(event.error));
}

AotBuildFinished fromProto(const pb::AotBuildFinished &event)
{
    return {str(event.component()), str(event.version()), str(event.target()), str(event.aot_digest()), str(event.error())};
}

} // namespace Keel::Proto
