#!/bin/sh
# Stands in for Prisma's schema engine, which would be downloaded at first use and this
# machine cannot reach its host. `generate` and `validate` only ask for the version;
# anything else (migrate, db push) must fail loudly: migrations are applied by lib/runtime/migrate.ts.
if [ "$1" = "--version" ]; then echo "schema-engine-cli offline-stub"; exit 0; fi
echo "SecondRead: Prisma's schema engine is not available offline; migrations are applied by 'npm start' (lib/runtime/migrate.ts)." >&2
exit 1
