#!/bin/bash
# The replica of docker-compose.yml: on first start, a copy of the primary
# (pg_basebackup -R writes standby.signal and the connection to follow);
# then PostgreSQL as a hot standby streaming from it.
set -euo pipefail
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  until pg_isready -h db -U "${POSTGRES_USER}" -q; do sleep 1; done
  pg_basebackup -h db -U "${POSTGRES_USER}" -D "${PGDATA}" -R -X stream --checkpoint=fast
  chmod 0700 "${PGDATA}"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
