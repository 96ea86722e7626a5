#include "migrations.h"

namespace Keel {

const QList<Migration> &schemaMigrations()
{
    static const QList<Migration> migrations = {
        {1, QStringLiteral("topology, nodes, join and operator tokens"),
         {
             QStringLiteral("CREATE TABLE regions ("
                            " name TEXT PRIMARY KEY,"
                            " jurisdiction TEXT NOT NULL,"
                            " latitude DOUBLE PRECISION NOT NULL,"
                            " longitude DOUBLE PRECISION NOT NULL,"
                            " created_ms BIGINT NOT NULL,"
                            " updated_ms BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE sites ("
                            " region TEXT NOT NULL REFERENCES regions(name) ON DELETE CASCADE,"
                            " name TEXT NOT NULL,"
                            " PRIMARY KEY (region, name))"),
             QStringLiteral("CREATE TABLE nodes ("
                            " name TEXT PRIMARY KEY,"
                            " region TEXT NOT NULL REFERENCES regions(name),"
                            " site TEXT NOT NULL,"
                            " labels TEXT NOT NULL,"
                            " public_key TEXT NOT NULL,"
                            " agent_version TEXT NOT NULL,"
                            " target_triple TEXT NOT NULL,"
                            " tiers TEXT NOT NULL,"
                            " http_endpoint TEXT NOT NULL,"
                            " admin_endpoint TEXT NOT NULL,"
                            " enrolled_ms BIGINT NOT NULL,"
                            " last_seen_ms BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE join_tokens ("
                            " id TEXT PRIMARY KEY,"
                            " token_hash TEXT NOT NULL UNIQUE,"
                            " region TEXT NOT NULL REFERENCES regions(name),"
                            " uses_left INTEGER NOT NULL,"
                            " expires_ms BIGINT NOT NULL,"
                            " created_ms BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE operator_tokens ("
                            " id TEXT PRIMARY KEY,"
                            " token_hash TEXT NOT NULL UNIQUE,"
                            " name TEXT NOT NULL,"
                            " role INTEGER NOT NULL,"
                            " created_ms BIGINT NOT NULL,"
                            " revoked_ms BIGINT)"),
         }},
        {2, QStringLiteral("operator token expiry, audit log"),
         {
             QStringLiteral("ALTER TABLE operator_tokens ADD COLUMN expires_ms BIGINT"),
             QStringLiteral("CREATE TABLE audit_log ("
                            " seq BIGINT PRIMARY KEY,"
                            " time_ms BIGINT NOT NULL,"
                            " principal TEXT NOT NULL,"
                            " principal_id TEXT NOT NULL,"
                            " action TEXT NOT NULL,"
                            " target TEXT NOT NULL,"
                            " result TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX audit_log_time ON audit_log (time_ms)"),
         }},
        {3, QStringLiteral("component registry"),
         {
             QStringLiteral("CREATE TABLE component_versions ("
                            " name TEXT NOT NULL,"
                            " version TEXT NOT NULL,"
                            " abi TEXT NOT NULL,"
                            " manifest TEXT NOT NULL,"
                            " module_digest TEXT NOT NULL,"
                            " module_size BIGINT NOT NULL,"
                            " module_signature TEXT NOT NULL,"
                            " aot_state TEXT NOT NULL,"
                            " aot_digest TEXT NOT NULL,"
                            " aot_size BIGINT NOT NULL,"
                            " aot_target TEXT NOT NULL,"
                            " aot_error TEXT NOT NULL,"
                            " aot_signature TEXT NOT NULL,"
                            " pushed_ms BIGINT NOT NULL,"
                            " pushed_by TEXT NOT NULL,"
                            " PRIMARY KEY (name, version))"),
             QStringLiteral("CREATE INDEX component_versions_aot_state ON component_versions (aot_state)"),
         }},
        {4, QStringLiteral("deployments, desired-state revision, node states"),
         {
             QStringLiteral("CREATE TABLE revisions ("
                            " name TEXT PRIMARY KEY,"
                            " value BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE deployments ("
                            " seq BIGINT PRIMARY KEY,"
                            " component TEXT NOT NULL,"
                            " version TEXT NOT NULL,"
                            " selector TEXT NOT NULL,"
                            " created_ms BIGINT NOT NULL,"
                            " created_by TEXT NOT NULL,"
                            " UNIQUE (component, selector))"),
             QStringLiteral("CREATE TABLE node_states ("
                            " node TEXT PRIMARY KEY,"
                            " applied_generation BIGINT NOT NULL,"
                            " applied TEXT NOT NULL,"
                            " rejected_generation BIGINT NOT NULL,"
                            " rejected TEXT NOT NULL,"
                            " reported_ms BIGINT NOT NULL)"),
         }},
        {5, QStringLiteral("fleet metrics, one point per series and minute"),
         {
             QStringLiteral("CREATE TABLE metric_minutes ("
                            " scope TEXT NOT NULL,"
                            " scope_key TEXT NOT NULL,"
                            " component TEXT NOT NULL,"
                            " minute_ms BIGINT NOT NULL,"
                            " buckets TEXT NOT NULL,"
                            " latency_sum DOUBLE PRECISION NOT NULL,"
                            " requests BIGINT NOT NULL,"
                            " errors BIGINT NOT NULL,"
                            " rss_bytes BIGINT NOT NULL,"
                            " PRIMARY KEY (scope, scope_key, component, minute_ms))"),
             QStringLiteral("CREATE INDEX metric_minutes_time ON metric_minutes (minute_ms)"),
         }},
        {6, QStringLiteral("per-node desired-state generations"),
         {
             QStringLiteral("CREATE TABLE node_desired ("
                            " node TEXT PRIMARY KEY,"
                            " generation BIGINT NOT NULL,"
                            " fingerprint TEXT NOT NULL)"),
         }},
        {7, QStringLiteral("join tokens scoped to a site and labels"),
         {
             QStringLiteral("ALTER TABLE join_tokens ADD COLUMN site TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE join_tokens ADD COLUMN labels TEXT NOT NULL DEFAULT ''"),
         }},
        {8, QStringLiteral("rollouts, one document each"),
         {
             QStringLiteral("CREATE TABLE rollouts ("
                            " id TEXT PRIMARY KEY,"
                            " component TEXT NOT NULL,"
                            " state TEXT NOT NULL,"
                            " created_ms BIGINT NOT NULL,"
                            " updated_ms BIGINT NOT NULL,"
                            " document TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX rollouts_component ON rollouts (component, state)"),
         }},
        {9, QStringLiteral("residency policies, one document per version; deployment rules' skipped nodes"),
         {
             QStringLiteral("CREATE TABLE policies ("
                            " version BIGINT PRIMARY KEY,"
                            " applied_ms BIGINT NOT NULL,"
                            " applied_by TEXT NOT NULL,"
                            " diff TEXT NOT NULL,"
                            " document TEXT NOT NULL)"),
             QStringLiteral("ALTER TABLE deployments ADD COLUMN excluded TEXT NOT NULL DEFAULT ''"),
         }},
    };
    return migrations;
}

} // namespace Keel
