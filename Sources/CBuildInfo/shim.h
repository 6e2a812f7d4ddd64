/* What scripts/release stamps into a release build with -Xcc -D...: the git revision and the
   build date. A plain `swift build` leaves them empty and `flyte-policy version` says it is a
   development build. */
#ifndef FLYTE_POLICY_REVISION
#define FLYTE_POLICY_REVISION ""
#endif
#ifndef FLYTE_POLICY_BUILD_DATE
#define FLYTE_POLICY_BUILD_DATE ""
#endif

static inline const char *cbuildinfo_revision(void) { return FLYTE_POLICY_REVISION; }
static inline const char *cbuildinfo_date(void) { return FLYTE_POLICY_BUILD_DATE; }
