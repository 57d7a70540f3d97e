#!/bin/bash
# Run once by the postgres image when it creates the primary's data directory:
# the replica connects for replication as the same user, with its password.
set -euo pipefail
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "${PGDATA}/pg_hba.conf"
