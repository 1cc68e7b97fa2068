"""Words that operations writers use for the same thing, folded to one term.

Two teams rarely describe one failure in the same words: one writes "the certificate
expired", the next "the TLS cert lapsed past its not-after date". Text similarity alone
misses that, so before weighing terms, each word is folded to the concept it names. The
groups are general operations vocabulary, not tuned to any one knowledge base; a word that
could mean two things is left out rather than guessed.
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "certificate": ("cert", "certs", "certificate", "certificates", "tls", "ssl", "x509",
                    "https", "leaf"),
    "expiry": ("expired", "expiry", "expiration", "expire", "expires", "expiring", "lapsed",
               "lapse", "lapses", "notafter", "validity"),
    "renewal": ("renew", "renewal", "renewals", "renewed", "renewing", "reissue", "reissued",
                "acme", "certbot", "letsencrypt"),
    "hostname": ("hostname", "hostnames", "san", "sans", "wildcard", "cn"),
    "chain": ("intermediate", "intermediates", "chain", "bundle", "issuing", "issuer"),
    "memory": ("memory", "outofmemory", "heap", "rss", "resident", "oom", "oomkilled", "ram",
               "gc", "garbage"),
    "leak": ("leak", "leaks", "leaked", "leaking", "leakage", "retained", "reachable",
             "unreleased", "accumulated", "accumulating", "accumulate"),
    "ceiling": ("limit", "limits", "ceiling", "cap", "capped"),
    "disk": ("disk", "disks", "volume", "volumes", "filesystem", "partition", "inode", "inodes",
             "enospc"),
    "full": ("full", "filled", "filling", "fills"),
    "logs": ("log", "logs", "logging", "logfile", "logfiles", "verbosity", "debug", "stdout"),
    "rotation": ("rotation", "rotate", "rotated", "logrotate", "prune", "pruned", "pruning",
                 "truncate", "truncated"),
    "wal": ("wal", "xlog", "writeahead", "transactionlog", "pgwal", "archive", "archiving",
            "archived", "archiver", "segments"),
    "dns": ("dns", "resolver", "resolvers", "nameserver", "nameservers", "cname", "zone",
            "record", "records"),
    "ttl": ("ttl", "ttls", "lifetime"),
    "connection": ("connection", "connections", "conn", "conns", "pool", "pools", "pooled",
                   "handle", "handles", "socket", "sockets"),
    "exhausted": ("exhausted", "exhaustion", "exhaust", "starved", "starvation", "depleted",
                  "saturated", "saturation", "maxed"),
    "payment": ("payment", "payments", "card", "cards", "processor", "psp", "acquirer"),
    "ratelimit": ("throttle", "throttled", "throttling", "quota", "quotas", "429", "ratelimit",
                  "ratelimited"),
    "migration": ("migration", "migrations", "migrate", "migrated", "schema", "alter", "ddl"),
    "lock": ("lock", "locks", "locked", "locking", "blocked", "blocking", "contention"),
    "schedule": ("cron", "crontab", "scheduled", "scheduler", "schedule", "batch", "nightly"),
    "overlap": ("overlap", "overlapping", "overlapped", "concurrent", "concurrently",
                "simultaneous", "mutex", "exclusion", "lease", "twice", "double", "duplicate",
                "duplicated", "duplicates"),
    "clock": ("clock", "clocks", "ntp", "ntpd", "chrony", "chronyd", "timesync", "drift",
              "skew", "skewed"),
    "flag": ("flag", "flags", "toggle", "toggles", "toggled"),
    "config": ("config", "configuration", "configs", "yaml", "typo", "malformed", "setting",
               "settings"),
    "secret": ("secret", "secrets", "credential", "credentials", "password", "passwords",
               "apikey", "token", "tokens"),
    "stampede": ("stampede", "herd", "dogpile", "thundering"),
    "cache": ("cache", "caches", "cached", "caching", "memcached", "redis"),
    "backup": ("backup", "backups", "snapshot", "snapshots", "restore", "restores", "restored",
               "restorable", "restoring", "dump", "dumps"),
    "alert": ("alert", "alerts", "alerting", "alerted", "page", "paged", "pager", "pagerduty",
              "oncall", "escalation"),
    "queue": ("queue", "queues", "queued", "topic", "kafka", "backlog", "consumer", "consumers",
              "lag"),
    "poison": ("poison", "dlq", "deadletter", "redelivered", "redelivery", "undeliverable"),
    "autoscale": ("autoscaling", "autoscaler", "autoscale", "replicas", "scaleout"),
    "deploy": ("deploy", "deployed", "deployment", "deployments", "rollout", "rolled", "release",
               "released", "canary"),
    "healthcheck": ("health", "healthcheck", "healthchecks", "probe", "probes", "liveness",
                    "readiness"),
    "idempotency": ("idempotency", "idempotent", "dedup", "deduplication", "deduplicate",
                    "retry", "retries", "retried", "retrying"),
}

FOLD: dict[str, str] = {word: concept for concept, words in CONCEPTS.items() for word in words}
